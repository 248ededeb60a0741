using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

public class MachineChooserTests
{
    private static readonly VmSpec Pv = new() { Name = "web", Kernel = "/boot/vmlinuz" };

    public static TheoryData<string, VmSpec, string> Cases => new()
    {
        { "plain PV", Pv, "microvm" },
        { "HVM", Pv with { Boot = BootMode.Hvm }, "q35" },
        { "pci", Pv with { PciDevices = ["0000:06:02.0"] }, "q35" },
        { "e1000", Pv with { Vifs = [new VifSpec { Model = "e1000" }] }, "q35" },
        { "cdrom", Pv with { Disks = [new DiskSpec { Target = "", Vdev = "hdc", DeviceType = DiskDeviceType.Cdrom }] }, "q35" },
        { "vcpu hotplug", Pv with { Vcpus = 1, MaxVcpus = 2 }, "q35" },
        { "explicit pc", Pv with { Machine = "pc" }, "pc" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Choose_PicksTheSimplestMachineThatWorks(string why, VmSpec spec, string expected)
    {
        Result<string> machine = MachineChooser.Choose(spec);
        Assert.True(machine.IsOk, why);
        Assert.Equal(expected, machine.Value);
    }

    [Fact]
    public void ExplicitMicrovm_ForAGuestThatNeedsPci_IsRefusedWithTheReason()
    {
        Result<string> machine = MachineChooser.Choose(Pv with { Machine = "microvm", PciDevices = ["0000:06:02.0"] });

        Assert.False(machine.IsOk);
        Assert.Equal("machine = 'microvm' cannot work for web: pci passthrough of 0000:06:02.0 needs PCI; use machine = 'q35' or remove the line", machine.Error.Message);
    }
}
