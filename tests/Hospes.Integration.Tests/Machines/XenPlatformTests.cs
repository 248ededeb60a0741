using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Machines;

/// <summary>xl/xm platform keys seen from inside a real guest: vcpu_avail, and an HVM guest under OVMF (bios = 'ovmf').</summary>
public sealed class XenPlatformTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task VcpuAvail_GuestBootsWithOnlyTheAvailableVcpusOnline()
    {
        // xm: 2 vCPUs (the line overrides Guest.Config's vcpus = 1), of which only vCPU 0 is available at boot; the
        // other can be brought online later.
        await Guest.CreateAsync(_d, "avail", "vcpu_avail = 0x1\nvcpus = 2");

        Assert.Equal("0", await GuestShell.RunAsync(_d, "avail", "cat /sys/devices/system/cpu/online"));
        Assert.Equal("0-1", await GuestShell.RunAsync(_d, "avail", "cat /sys/devices/system/cpu/possible"));
    }

    [Fact]
    public async Task OvmfGuest_BootsThroughUefi_WithItsOwnVariableStore()
    {
        await Guest.CreateAsync(_d, "uefi", "type = 'hvm'\nbios = 'ovmf'");

        VmInfo info = await _d.InfoAsync("uefi");
        Assert.Equal("q35", info.Machine);
        // The kernel was started by UEFI firmware: it sees the EFI runtime.
        Assert.Equal("efi", await GuestShell.RunAsync(_d, "uefi", "test -d /sys/firmware/efi && echo efi || echo bios"));
        string vars = Directory.GetFiles(_d.Dir, "OVMF_VARS.fd", SearchOption.AllDirectories).Single();
        Assert.Equal(new FileInfo("/usr/share/OVMF/OVMF_VARS.fd").Length, new FileInfo(vars).Length);
    }
}
