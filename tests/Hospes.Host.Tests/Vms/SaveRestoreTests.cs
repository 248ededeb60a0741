using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Testing.Fakes;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>Save and restore through the queue, QEMU faked: what is recorded when, and what a failed stream leaves.</summary>
public sealed class SaveRestoreTests
{
    [Fact]
    public async Task Save_RecordsTheVmSaved_EndsQemu_AndStartContinuesFromTheFile()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        qmp.Answer("query-migrate", """{"status": "completed"}""");
        string path = floor.Options.StateDir + "/web.save";
        qmp.Answer("migrate", _ =>
        {
            // QEMU writes its stream after the header.
            using var f = new FileStream(path, FileMode.Append);
            f.Write(new byte[8192]);
            return "{}";
        });

        Result<VmRecord> saved = await vm.RunAsync(floor.Commands.Save(path));

        Assert.Equal(VmState.Saved, saved.Value.State);
        Assert.Equal(path, saved.Value.SavePath);
        Assert.Null(vm.Pid);
        // hospesd opened the file and passed it (QEMU runs as a uid that could not open it).
        Assert.Equal("file:/dev/fdset/0,offset=4096", qmp.ArgumentsOf("migrate")!["uri"]!.GetValue<string>());
        Assert.Equal(("add-fd", path), Assert.Single(qmp.PassedFiles));
        Assert.Contains("remove-fd", qmp.Asked);
        Assert.Contains("quit", qmp.Asked);

        floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", """{"status": "completed"}""");
        Result<VmRecord> started = await vm.RunAsync(floor.Commands.Start());

        Assert.Equal(VmState.Running, started.Value.State);
        Assert.Null(started.Value.SavePath);
        FakeQmp restored = floor.QemuOf(vm).Monitor;
        Assert.Equal("file:/dev/fdset/0,offset=4096", restored.ArgumentsOf("migrate-incoming")!["uri"]!.GetValue<string>());
        Assert.Equal(("add-fd", path), Assert.Single(restored.PassedFiles));
        Assert.Contains("-incoming", Assert.Single(floor.Qemu.Launched.Skip(1)));
        Assert.Equal("cont", restored.Asked[^1]);
    }

    [Fact]
    public async Task Save_WhoseStreamFails_RemovesTheFile_AndTheGuestContinues()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        qmp.Answer("query-migrate", """{"status": "failed", "error-desc": "No space left on device"}""");
        string path = floor.Options.StateDir + "/web.save";

        Result<VmRecord> saved = await vm.RunAsync(floor.Commands.Save(path));

        Assert.Equal($"saving web to {path} failed: No space left on device; the guest continues", saved.Error!.Message);
        Assert.False(File.Exists(path));
        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal("cont", qmp.Asked[^1]);
    }

    [Fact]
    public async Task Save_ToARelativePath_OrOverAFile_IsRefusedBeforeTheGuestStops()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string existing = floor.Options.StateDir + "/taken";
        await File.WriteAllTextAsync(existing, "mine");

        Assert.Equal("save path 'web.save' is not absolute", (await vm.RunAsync(floor.Commands.Save("web.save"))).Error!.Message);
        Assert.Equal(ErrorCode.Conflict, (await vm.RunAsync(floor.Commands.Save(existing))).Error!.Code);
        Assert.StartsWith("save path '/tmp/x,offset=0' contains a comma", (await vm.RunAsync(floor.Commands.Save("/tmp/x,offset=0"))).Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stop", floor.QemuOf(vm).Monitor.Asked);
        Assert.Equal("mine", await File.ReadAllTextAsync(existing));
    }
}
