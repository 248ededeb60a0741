using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

/// <summary>Files handed to the guest through fw_cfg (the SSH host key hospesd made for it).</summary>
public class FwCfgTests
{
    private static readonly VmRuntimePaths Paths = new()
    {
        QmpSocket = "/run/hospes/a.qmp",
        ConsoleSocket = "/run/hospes/a.console",
        ConsoleLog = "/var/lib/hospes/vms/a/console.log",
        PidFile = "/run/hospes/a.pid",
        QemuLog = "/var/lib/hospes/vms/a/qemu.log",
        QmpLog = "/var/lib/hospes/vms/a/qmp.log",
    };

    private static readonly VmSpec Tiny = new() { Name = "web", Kernel = "/images/tiny/vmlinuz", Vifs = [new VifSpec { Mac = "aa:00:00:03:b2:2e" }] };

    private static IReadOnlyList<string> Args(params (string, string)[] files) =>
        QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Tiny, Paths = Paths, Accel = Accelerator.Tcg, FwCfgFiles = files }).Value;

    [Fact]
    public void AFwCfgFile_IsNamedAndGivenByPath_WithCommasDoubled()
    {
        IReadOnlyList<string> args = Args(("opt/org.hospes/ssh-host-key", "/var/lib/hospes/vms/a,b/ssh_host_ed25519_key.dropbear"));

        int at = args.ToList().IndexOf("-fw_cfg");
        Assert.Equal("name=opt/org.hospes/ssh-host-key,file=/var/lib/hospes/vms/a,,b/ssh_host_ed25519_key.dropbear", args[at + 1]);
    }

    [Fact]
    public void WithoutFiles_ThereIsNoFwCfgOption()
    {
        Assert.DoesNotContain("-fw_cfg", Args());
    }
}
