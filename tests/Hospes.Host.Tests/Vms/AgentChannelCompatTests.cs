using Hospes.Core.Errors;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// A save file (or a migration) from a QEMU without the guest agent's channel — one a hospesd older than the channel
/// started — must be loaded by a QEMU without it: the device state names every device, and one more fails the load.
/// </summary>
public sealed class AgentChannelCompatTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARestoredQemu_HasTheGuestAgentsChannel_OnlyWhenTheSavedOneHadIt(bool had)
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        Assert.Contains(floor.Qemu.Launched[^1], a => a.Contains("virtserialport", StringComparison.Ordinal));

        string path = Path.Combine(floor.Options.StateDir, "web.save");
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        if (had)
        {
            qmp.Answer("qom-list", """[{"name": "type", "type": "string"}, {"name": "vser0", "type": "child<virtio-serial-pci>"}]""");
            qmp.Answer("qom-get", "false");
        }

        qmp.Answer("query-migrate", """{"status": "completed"}""");
        qmp.Answer("migrate", _ =>
        {
            using var f = new FileStream(path, FileMode.Append);
            f.Write(new byte[8192]);
            return "{}";
        });
        Result<Hospes.Host.State.VmRecord> saved = await vm.RunAsync(floor.Commands.Save(path));
        Assert.True(saved.IsOk, saved.Error?.Message);

        floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", """{"status": "completed"}""");
        Result<VmActor> restored = await floor.Vms.RestoreAsync(path, paused: false, CancellationToken.None);
        Assert.True(restored.IsOk, restored.Error?.Message);
        Assert.Equal(had, floor.Qemu.Launched[^1].Any(a => a.Contains("virtserialport", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ASaveOfAQemuWithADevicePluggedWhileItRan_IsRefusedNamingIt_AndWritesNoFile()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        qmp.Answer("qom-list", """[{"name": "type", "type": "string"}, {"name": "vif1", "type": "child<virtio-net-pci>"}]""");
        qmp.Answer("qom-get", "true");
        string path = Path.Combine(floor.Options.StateDir, "web.save");

        Result<Hospes.Host.State.VmRecord> saved = await vm.RunAsync(floor.Commands.Save(path));

        Assert.False(saved.IsOk);
        Assert.Contains("device vif1 was plugged while it runs", saved.Error!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.DoesNotContain("migrate", qmp.Asked);
    }
}
