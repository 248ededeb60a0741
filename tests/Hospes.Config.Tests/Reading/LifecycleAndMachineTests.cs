using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

public sealed class LifecycleAndMachineTests
{
    private static ConfigReadResult Read(string lines) => Configs.Read(Configs.Minimal + lines + "\n", Configs.Host(), path: "web.cfg");

    [Theory]
    [InlineData("destroy", LifecycleAction.Destroy)]
    [InlineData("restart", LifecycleAction.Restart)]
    [InlineData("preserve", LifecycleAction.Preserve)]
    [InlineData("rename-restart", LifecycleAction.RenameRestart)]
    public void Read_LifecycleAction_IsMapped(string value, LifecycleAction expected)
    {
        VmSpec spec = Read($"on_poweroff = '{value}'\non_reboot = '{value}'\non_crash = '{value}'").Spec!;

        Assert.Equal((expected, expected, expected), (spec.OnPoweroff, spec.OnReboot, spec.OnCrash));
    }

    [Fact]
    public void Read_CoredumpActions_FallBackWithWarnings()
    {
        ConfigReadResult result = Read("on_crash = 'coredump-restart'\non_poweroff = 'coredump-destroy'");

        Assert.Equal((LifecycleAction.Destroy, LifecycleAction.Restart), (result.Spec!.OnPoweroff, result.Spec.OnCrash));
        Assert.Equal(
        [
            "on_crash: Hospes does not write core dumps yet; coredump-restart acts as restart",
            "on_poweroff: Hospes does not write core dumps yet; coredump-destroy acts as destroy",
        ],
            result.Messages());
    }

    [Fact]
    public void Read_SoftResetOnReboot_RestartsWithAWarning()
    {
        ConfigReadResult result = Read("on_reboot = 'soft-reset'");

        Assert.Equal(LifecycleAction.Restart, result.Spec!.OnReboot);
        Assert.Equal(["on_reboot: soft-reset is Xen-only; the guest is restarted instead"], result.Messages());
    }

    [Theory]
    [InlineData("on_crash = 'explode'", "web.cfg:3:12: error: on_crash: 'explode' is not an action; use destroy, restart, preserve or rename-restart")]
    [InlineData("on_poweroff = 'soft-reset'", "web.cfg:3:15: error: on_poweroff: soft-reset is Xen-only and only stands in for a reboot; use destroy, restart, preserve or rename-restart")]
    public void Read_BadLifecycleAction_IsAnError(string line, string error)
    {
        Assert.Equal([error], Read(line).Errors());
    }

    [Theory]
    [InlineData("accel = 'kvm'", Accelerator.Kvm)]
    [InlineData("accel = 'tcg'", Accelerator.Tcg)]
    [InlineData("accel = 'auto'", Accelerator.Auto)]
    public void Read_Accel_IsMapped(string line, Accelerator expected)
    {
        Assert.Equal(expected, Read(line).Spec!.Accel);
    }

    [Theory]
    [InlineData("microvm")]
    [InlineData("q35")]
    [InlineData("pc")]
    public void Read_Machine_IsKept(string machine)
    {
        Assert.Equal(machine, Read($"machine = '{machine}'").Spec!.Machine);
    }

    [Theory]
    [InlineData("accel = 'xen'", "web.cfg:3:9: error: accel: 'xen' is not an accelerator; use 'auto', 'kvm' or 'tcg'")]
    [InlineData("machine = 'virt'", "web.cfg:3:11: error: machine: 'virt' is not supported; use 'microvm', 'q35' or 'pc', or leave it out to let Hospes choose")]
    [InlineData("type = 'hvm'\nboot = 'ca'", "web.cfg:4:8: error: boot: 'ca' is not a boot order; use the letters c (disk), d (cdrom) and n (network) once each, e.g. boot = 'cd'")]
    public void Read_BadHospesExtension_IsAnError(string lines, string error)
    {
        Assert.Equal([error], Read(lines).Errors());
    }

    [Fact]
    public void Read_BootOrderForHvm_IsKept()
    {
        Assert.Equal("dcn", Read("type = 'hvm'\nboot = 'dcn'").Spec!.BootOrder);
    }

    [Fact]
    public void Read_BootOrderForPv_IsIgnoredWithAWarning()
    {
        ConfigReadResult result = Read("boot = 'c'");

        Assert.Null(result.Spec!.BootOrder);
        Assert.Equal(["boot is ignored: only HVM guests boot through firmware; set type = 'hvm' to use it"], result.Messages());
    }
}
