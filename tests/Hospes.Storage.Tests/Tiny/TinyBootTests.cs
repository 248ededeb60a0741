using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny;
using Xunit.Abstractions;

namespace Hospes.Storage.Tests.Tiny;

/// <summary>Boots the real image under qemu-system-x86_64 with TCG and talks to its console shell.</summary>
[Collection(TinyImageGroup.Name)]
public sealed class TinyBootTests : IDisposable
{
    private readonly TinyImageFixture _image;
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public TinyBootTests(TinyImageFixture image, ITestOutputHelper output)
    {
        _image = image;
        _output = output;
    }

    [Fact]
    public async Task Boot_OnMicrovmWithDisk_PrintsReadyMarkerAndMountsDisk()
    {
        string disk = await Tool.MakeExt4DiskAsync(_dir.Path, new Dictionary<string, string> { ["hello.txt"] = "hello from the disk" });
        await using QemuGuest guest = QemuGuest.Start(_image.Built, TinyMachine.Microvm, _dir.Path, disk);

        TimeSpan ready = await guest.WaitForAsync(TinyGuest.ReadyMarker);
        _output.WriteLine($"microvm ready after {ready.TotalSeconds:F2} s");

        string mounts = await guest.RunAsync("cat /proc/mounts");
        Assert.Contains($"{TinyGuest.DiskDevice} {TinyGuest.DiskMountPoint} ext4 rw", mounts, StringComparison.Ordinal);
        Assert.Equal("hello from the disk", await guest.RunAsync($"cat {TinyGuest.DiskMountPoint}/hello.txt"));
        Assert.Equal(TinyGuest.DefaultHostname, await guest.RunAsync("hostname"));
    }

    [Fact]
    public async Task Boot_WithNameAndModuleParameters_SetsHostnameAndPassesParameterToInsmod()
    {
        string disk = await Tool.MakeExt4DiskAsync(_dir.Path, new Dictionary<string, string>());
        await using QemuGuest guest = QemuGuest.Start(
            _image.Built, TinyMachine.Microvm, _dir.Path, disk, $"{TinyGuest.NameParameter}=web7 virtio-blk.queue_depth=64");
        await guest.WaitForAsync(TinyGuest.ReadyMarker);

        Assert.Equal("web7", await guest.RunAsync("hostname"));
        Assert.Equal("64", await guest.RunAsync("cat /sys/module/virtio_blk/parameters/queue_depth"));
    }

    [Fact]
    public async Task Boot_WithVirtioNicAndNoSshKey_GetsDhcpLeaseInTheBackgroundAndRunsNoSshServer()
    {
        await using QemuGuest guest = QemuGuest.Start(_image.Built, TinyMachine.Microvm, _dir.Path, nic: true);
        await guest.WaitForAsync(TinyGuest.ReadyMarker);

        // The lease comes after the marker (udhcpc runs in the background); wait for it inside the guest.
        string addr = await guest.RunAsync(
            "for i in 1 2 3 4 5 6 7 8 9 10; do ip -4 addr show eth0 | grep -q inet && break; sleep 1; done; ip -4 addr show eth0; ip route");

        Assert.Contains("inet 10.0.2.15/24", addr, StringComparison.Ordinal);
        Assert.Contains("default via 10.0.2.2 dev eth0", addr, StringComparison.Ordinal);
        Assert.Contains("virtio_net", await guest.RunAsync("lsmod"), StringComparison.Ordinal);
        Assert.Equal("none", await guest.RunAsync("pidof dropbear || echo none"));
    }

    [Fact]
    public async Task SystemPowerdown_RightAfterReady_PowersGuestOffCleanly()
    {
        string disk = await Tool.MakeExt4DiskAsync(_dir.Path, new Dictionary<string, string>());
        await using QemuGuest guest = QemuGuest.Start(_image.Built, TinyMachine.Microvm, _dir.Path, disk);
        await guest.WaitForAsync(TinyGuest.ReadyMarker);

        await guest.PowerdownAsync();

        Assert.True(await guest.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"QEMU still running 10 s after system_powerdown:\n{guest.Console}");
        Assert.Contains("Power down", guest.Console, StringComparison.Ordinal);
        // The guest mounted the disk at boot; a clean unmount at shutdown clears the journal's needs_recovery flag.
        string raw = _dir.Combine("after.raw");
        await Tool.RunAsync("qemu-img", "convert", "-f", "qcow2", "-O", "raw", disk, raw);
        string superblock = await Tool.RunAsync("dumpe2fs", "-h", raw);
        Assert.Contains("clean", superblock.Split('\n').Single(l => l.StartsWith("Filesystem state:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("needs_recovery", superblock, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boot_OnQ35WithVirtioPciDisk_MountsDiskAndPowersOff()
    {
        string disk = await Tool.MakeExt4DiskAsync(_dir.Path, new Dictionary<string, string> { ["hello.txt"] = "q35" });
        await using QemuGuest guest = QemuGuest.Start(_image.Built, TinyMachine.Q35, _dir.Path, disk);

        TimeSpan ready = await guest.WaitForAsync(TinyGuest.ReadyMarker);
        _output.WriteLine($"q35 ready after {ready.TotalSeconds:F2} s");

        Assert.Equal("q35", await guest.RunAsync($"cat {TinyGuest.DiskMountPoint}/hello.txt"));
        Assert.Contains("virtio_pci", await guest.RunAsync("lsmod"), StringComparison.Ordinal);
        await guest.PowerdownAsync();
        Assert.True(await guest.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"QEMU still running 10 s after system_powerdown:\n{guest.Console}");
    }

    public void Dispose() => _dir.Dispose();
}
