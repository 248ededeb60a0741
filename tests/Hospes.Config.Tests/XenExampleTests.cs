using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests;

/// <summary>
/// Xen's own example configs (tools/examples, unmodified: Fixtures/xen-examples) read as a Xen admin would use them:
/// the normalized spec is what the guest had under Xen, and the only warnings are about what it will lack.
/// </summary>
public sealed class XenExampleTests
{
    private static ConfigReadResult Read(string file, params string[] hostPaths) =>
        Configs.ReadFixture(["xen-examples", file], new FakeHost().With(hostPaths), strict: true);

    private static string[] Warnings(ConfigReadResult result) =>
        [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Message)];

    [Fact]
    public void XmExampleHvm_BootsSeabiosWithTheEmulatedNicAndAnEmptyCdrom()
    {
        ConfigReadResult result = Read("xmexample.hvm.cfg", "/var/images/min-el3-i386.img");

        VmSpec spec = result.Spec!;
        Assert.Equal(("ExampleHVMDomain", BootMode.Hvm, 128), (spec.Name, spec.Boot, spec.MemoryMib));
        Assert.Null(spec.Kernel);
        Assert.Null(spec.Firmware);
        VifSpec vif = Assert.Single(spec.Vifs);
        Assert.Equal(("xenbr0", "rtl8139"), (vif.Bridge, vif.Model));
        Assert.Collection(
            spec.Disks,
            d => Assert.Equal(("/var/images/min-el3-i386.img", "hda", DiskDeviceType.Disk, false), (d.Target, d.Vdev, d.DeviceType, d.ReadOnly)),
            d => Assert.Equal(("", "hdc", DiskDeviceType.Cdrom, true), (d.Target, d.Vdev, d.DeviceType, d.ReadOnly)));
        Assert.Equal(("std", true), (spec.Vga, spec.Vnc));
        Assert.Empty(Warnings(result));
    }

    [Fact]
    public void XmExample1_RootOnTheVirtioDiskItsHda1Became()
    {
        ConfigReadResult result = Read("xmexample1.cfg", "/boot/vmlinuz-2.6.10-xenU", "/dev/hda1");

        VmSpec spec = result.Spec!;
        Assert.Equal(("ExampleDomain", BootMode.Pv, 64, "/boot/vmlinuz-2.6.10-xenU"), (spec.Name, spec.Boot, spec.MemoryMib, spec.Kernel));
        DiskSpec disk = Assert.Single(spec.Disks);
        Assert.Equal(("/dev/hda1", "hda1"), (disk.Target, disk.Vdev));
        Assert.Equal("root=/dev/vda ro 4", spec.KernelCmdline);
        Assert.Equal("virtio-net", Assert.Single(spec.Vifs).Model);
        Assert.Equal(["root=/dev/hda1: Xen device names do not exist under QEMU; the disk with vdev hda1 is /dev/vda in the guest, so root=/dev/vda is used"], Warnings(result));
    }

    [Fact]
    public void XmExamplePvGrub_IsHospesReadingTheGuestsGrubMenu()
    {
        ConfigReadResult result = Read("xmexample.pv-grub.cfg", "/dev/hda1");

        VmSpec spec = result.Spec!;
        Assert.Null(spec.Kernel);
        Assert.Equal("pygrub", spec.Bootloader);
        Assert.Equal("", spec.KernelCmdline);
        Assert.Empty(Warnings(result));
    }

    [Fact]
    public void XmExampleNbd_SaysWhatItsNbdDiskAndDhcpNeed()
    {
        // config check (lenient): the NBD export is no file of this host, which define would refuse.
        ConfigReadResult result = Configs.ReadFixture(["xen-examples", "xmexample.nbd.cfg"], new FakeHost().With("/boot/vmlinuz-2.6.13-15b-xen", "/boot/initrd-2.6.13-15b-xen"));

        Assert.True(result.Spec is not null, string.Join("\n", result.Diagnostics));
        Assert.Equal("/boot/initrd-2.6.13-15b-xen", result.Spec.Ramdisk);
        string[] warnings = Warnings(result);
        Assert.Contains(warnings, w => w.Contains("block script prefix 'nbd:' is Xen-only", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.HostDependent && d.Message.Contains("134.100.233.115 20004 does not exist on this host", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("dhcp: not available here: xm built the kernel's ip= parameter", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("hostname: not available here:", StringComparison.Ordinal));
    }

    [Fact]
    public void XlExampleHvm_HasTwoVcpusAnEmulatedNicAndItsDisplayByVnc()
    {
        ConfigReadResult result = Read("xlexample.hvm.cfg", "/dev/vg/guest-volume");

        VmSpec spec = result.Spec!;
        Assert.Equal((BootMode.Hvm, 2, 2), (spec.Boot, spec.Vcpus, spec.MaxVcpus));
        Assert.Equal("rtl8139", Assert.Single(spec.Vifs).Model);
        Assert.Equal("xvda", Assert.Single(spec.Disks).Vdev);
        Assert.Equal(("std", true), (spec.Vga, spec.Vnc));
        Assert.Empty(Warnings(result));
    }

    [Theory]
    [InlineData("xlexample.pvlinux.cfg", BootMode.Pv, 128, 2, "/dev/vg/guest-volume")]
    [InlineData("xlexample.pvhlinux.cfg", BootMode.Pvh, 512, 4, "/dev/zvol/tank/guest-volume")]
    public void XlExamplePvAndPvh_BootTheKernelWithRootOnVda1(string file, BootMode boot, int memory, int vcpus, string volume)
    {
        ConfigReadResult result = Read(file, "/boot/vmlinuz", volume);

        VmSpec spec = result.Spec!;
        Assert.Equal((boot, memory, vcpus, "/boot/vmlinuz", "root=/dev/vda1"), (spec.Boot, spec.MemoryMib, spec.Vcpus, spec.Kernel, spec.KernelCmdline));
        Assert.Equal(volume, Assert.Single(spec.Disks).Target);
        Assert.Equal(["root=/dev/xvda1: Xen device names do not exist under QEMU; the disk with vdev xvda is /dev/vda in the guest, so root=/dev/vda1 is used"], Warnings(result));
    }
}
