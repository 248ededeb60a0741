using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

/// <summary>vga and vnc as QEMU arguments: a card, and VNC on a unix socket (never a TCP port).</summary>
public sealed class DisplayArgumentsTests
{
    private static readonly VmRuntimePaths Paths = new()
    {
        QmpSocket = "/run/hospes/a.qmp",
        ConsoleSocket = "/run/hospes/a.console",
        ConsoleLog = "/var/lib/hospes/vms/a/console.log",
        PidFile = "/run/hospes/a.pid",
        QemuLog = "/var/lib/hospes/vms/a/qemu.log",
        QmpLog = "/var/lib/hospes/vms/a/qmp.log",
        VncSocket = "/run/hospes/a.vnc",
    };

    private static readonly VmSpec Hvm = new()
    {
        Name = "win",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        Boot = BootMode.Hvm,
        Disks = [new DiskSpec { Target = "/srv/win.img", Vdev = "hda" }],
    };

    private static string Line(VmSpec spec) =>
        string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = Paths, Accel = Accelerator.Tcg }).Value);

    [Fact]
    public void StdVgaWithVnc_GetsTheCardAndAVncUnixSocket()
    {
        string line = Line(Hvm with { Vga = "std", Vnc = true });

        Assert.Contains("-device VGA,id=video0", line, StringComparison.Ordinal);
        Assert.Contains("-vnc unix:/run/hospes/a.vnc", line, StringComparison.Ordinal);
        Assert.Contains("-display none", line, StringComparison.Ordinal);
    }

    [Fact]
    public void CirrusWithoutVnc_GetsTheCardOnly()
    {
        string line = Line(Hvm with { Vga = "cirrus" });

        Assert.Contains("-device cirrus-vga,id=video0", line, StringComparison.Ordinal);
        Assert.DoesNotContain("-vnc", line, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCard_NoDisplayArguments()
    {
        string line = Line(Hvm);

        Assert.DoesNotContain("VGA", line, StringComparison.Ordinal);
        Assert.DoesNotContain("-vnc", line, StringComparison.Ordinal);
    }
}
