using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

/// <summary>The HVM platform keys of xl.cfg (localtime, acpi, apic, hpet, usb, soundhw, bios, vcpu_avail) as QEMU arguments.</summary>
public sealed class PlatformArgumentsTests
{
    private static readonly VmRuntimePaths Paths = new()
    {
        QmpSocket = "/run/hospes/a.qmp",
        ConsoleSocket = "/run/hospes/a.console",
        ConsoleLog = "/var/lib/hospes/vms/a/console.log",
        PidFile = "/run/hospes/a.pid",
        QemuLog = "/var/lib/hospes/vms/a/qemu.log",
        QmpLog = "/var/lib/hospes/vms/a/qmp.log",
        FirmwareVars = "/var/lib/hospes/vms/a,b/OVMF_VARS.fd",
    };

    private static readonly VmSpec Hvm = new()
    {
        Name = "win",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        Boot = BootMode.Hvm,
        Disks = [new DiskSpec { Target = "/srv/win.img", Vdev = "hda" }],
    };

    private static IReadOnlyList<string> Args(VmSpec spec, VmRuntimePaths? paths = null) =>
        QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = paths ?? Paths, Accel = Accelerator.Tcg }).Value;

    private static string Line(VmSpec spec) => string.Join(' ', Args(spec));

    private static string After(IReadOnlyList<string> args, string option) => args[args.ToList().IndexOf(option) + 1];

    [Fact]
    public void Defaults_AddNoPlatformArguments()
    {
        string line = Line(Hvm);

        Assert.Equal("q35", After(Args(Hvm), "-machine"));
        Assert.Equal("max", After(Args(Hvm), "-cpu"));
        Assert.DoesNotContain("-rtc", line, StringComparison.Ordinal);
        Assert.DoesNotContain("xhci", line, StringComparison.Ordinal);
        Assert.DoesNotContain("-audiodev", line, StringComparison.Ordinal);
        Assert.DoesNotContain("pflash", line, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalTime_StartsTheRtcOnLocalTime()
    {
        Assert.Equal("base=localtime", After(Args(Hvm with { LocalTime = true }), "-rtc"));
        Assert.Equal("base=localtime", After(Args(Hvm with { Boot = BootMode.Pv, Kernel = "/boot/vmlinuz", LocalTime = true }), "-rtc"));
    }

    [Fact]
    public void AcpiAndHpetOff_AreMachineProperties_ApicOff_ACpuProperty()
    {
        IReadOnlyList<string> args = Args(Hvm with { Acpi = false, Hpet = false, Apic = false });

        Assert.Equal("q35,acpi=off,hpet=off", After(args, "-machine"));
        Assert.Equal("max,apic=off", After(args, "-cpu"));
    }

    [Fact]
    public void Usb_AddsAnXhciControllerWithTheDevicesOnIt()
    {
        string line = Line(Hvm with { Usb = true, UsbDevices = ["usb-tablet", "usb-kbd"] });

        Assert.Contains("-device qemu-xhci,id=usb -device usb-tablet,id=usb0,bus=usb.0 -device usb-kbd,id=usb1,bus=usb.0", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hda", "-audiodev none,id=audio0 -device intel-hda,id=sound0 -device hda-duplex,bus=sound0.0,audiodev=audio0")]
    [InlineData("ac97", "-audiodev none,id=audio0 -device AC97,id=sound0,audiodev=audio0")]
    [InlineData("es1370", "-audiodev none,id=audio0 -device ES1370,id=sound0,audiodev=audio0")]
    public void SoundHw_AddsTheCardOnASilentBackEnd(string card, string expected)
    {
        Assert.Contains(expected, Line(Hvm with { SoundHw = card }), StringComparison.Ordinal);
    }

    [Fact]
    public void Ovmf_MapsTheSharedCodeAndTheVmsOwnVariablesAsFlash()
    {
        IReadOnlyList<string> args = Args(Hvm with { Firmware = SpecRules.Ovmf });

        Assert.Equal("q35,pflash0=fw-code,pflash1=fw-vars", After(args, "-machine"));
        string line = string.Join(' ', args);
        Assert.Contains("-blockdev {\"driver\":\"file\",\"filename\":\"/usr/share/OVMF/OVMF_CODE.fd\",\"node-name\":\"fw-code\",\"read-only\":true}", line, StringComparison.Ordinal);
        // A path goes inside JSON, not a QEMU option string: its comma needs no doubling there.
        Assert.Contains("-blockdev {\"driver\":\"file\",\"filename\":\"/var/lib/hospes/vms/a,b/OVMF_VARS.fd\",\"node-name\":\"fw-vars\",\"read-only\":false}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Ovmf_WithoutAVmFolder_IsRefused()
    {
        var result = QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = Hvm with { Firmware = SpecRules.Ovmf }, Paths = Paths with { FirmwareVars = null }, Accel = Accelerator.Tcg });

        Assert.False(result.IsOk);
        Assert.Contains("UEFI variable store", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VcpusBelowMaxvcpus_BootWithOnlyThoseOnline()
    {
        Assert.Equal("2,maxcpus=4", After(Args(Hvm with { Vcpus = 2, MaxVcpus = 4 }), "-smp"));
    }

    [Theory]
    [InlineData("ne2k_pci")]
    [InlineData("pcnet")]
    [InlineData("e1000e")]
    [InlineData("rtl8139")]
    public void EmulatedNicModels_AreQemuDevicesOfTheSameName(string model)
    {
        Assert.Contains($"-device {model},netdev=net0,id=vif0", Line(Hvm with { Vifs = [new VifSpec { Model = model }] }), StringComparison.Ordinal);
    }
}
