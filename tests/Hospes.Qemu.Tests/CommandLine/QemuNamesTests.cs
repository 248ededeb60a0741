using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

public class QemuNamesTests
{
    private static readonly VmSpec Spec = new()
    {
        Name = "web",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        MemoryMib = 256,
        MaxMemoryMib = 256,
        Vcpus = 1,
        MaxVcpus = 1,
        Kernel = "/boot/vmlinuz",
        Disks =
        [
            new DiskSpec { Target = "/srv/web.qcow2", Format = "qcow2", Vdev = "xvda" },
            new DiskSpec { Target = "/srv/data.raw", Format = "raw", Vdev = "xvdb" },
        ],
        Vifs = [new VifSpec(), new VifSpec()],
    };

    // The names outlive one hospesd: a restarted daemon and a migration's other host address QEMUs by them.
    [Fact]
    public void Names_StayWhatRunningQemusWereGiven()
    {
        Assert.Equal(
            ["drive0", "drive12", "disk-xvda", "net1", "vif1", "balloon0", "/machine/peripheral/balloon0", "console0", "qmp0", "rng0", "mig-drive0", "export-drive0"],
            [
                QemuNames.DiskNode(0), QemuNames.DiskNode(12), QemuNames.DiskDevice("xvda"), QemuNames.Netdev(1), QemuNames.VifDevice(1),
                QemuNames.BalloonId, QemuNames.BalloonPath, QemuNames.ConsoleChardev, QemuNames.QmpChardev, QemuNames.RngObject,
                QemuNames.MigrationTarget("drive0"), QemuNames.NbdExport("drive0"),
            ]);
    }

    [Fact]
    public void DiskNode_OfAGuestDevice_IsItsPlaceInTheSpec()
    {
        Assert.Equal("drive1", QemuNames.DiskNode(Spec, "xvdb"));
    }

    [Fact]
    public void DiskNode_OfADeviceTheVmLacks_NamesBoth()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => QemuNames.DiskNode(Spec, "xvdz"));
        Assert.StartsWith("VM web has no disk xvdz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommandLine_UsesTheseNames()
    {
        var paths = new VmRuntimePaths
        {
            QmpSocket = "/run/a.qmp",
            ConsoleSocket = "/run/a.console",
            ConsoleLog = "/run/a.log",
            PidFile = "/run/a.pid",
            QemuLog = "/run/a.qemu.log",
            QmpLog = "/run/a.qmp.log",
        };
        string line = string.Join(' ', QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Spec, Paths = paths, Accel = Accelerator.Tcg }).Value);

        Assert.Contains($"\"node-name\":\"{QemuNames.DiskNode(Spec, "xvdb")}\"", line, StringComparison.Ordinal);
        Assert.Contains($"id={QemuNames.DiskDevice("xvdb")},drive={QemuNames.DiskNode(1)}", line, StringComparison.Ordinal);
        Assert.Contains($"netdev={QemuNames.Netdev(1)},id={QemuNames.VifDevice(1)}", line, StringComparison.Ordinal);
        Assert.Contains($"id={QemuNames.BalloonId},", line, StringComparison.Ordinal);
        Assert.Contains($"-mon chardev={QemuNames.QmpChardev},mode=control", line, StringComparison.Ordinal);
        Assert.Contains($"-serial chardev:{QemuNames.ConsoleChardev}", line, StringComparison.Ordinal);
    }
}
