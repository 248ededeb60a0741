using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests;

/// <summary>Configs shaped like Xen's own examples (tools/examples/xlexample.*).</summary>
public sealed class ExampleConfigTests
{
    [Fact]
    public void Read_PvLinuxExample_BootsTheKernelWithRootOnTheVirtioDisk()
    {
        FakeHost host = new FakeHost().With("/boot/vmlinuz", "/dev/vg/guest-volume");

        ConfigReadResult result = Configs.ReadFixture(["examples", "pvlinux.cfg"], host, strict: true);

        VmSpec spec = result.Spec!;
        Assert.Equal("example.pvlinux", spec.Name);
        Assert.Equal(BootMode.Pv, spec.Boot);
        Assert.Equal("/boot/vmlinuz", spec.Kernel);
        Assert.Null(spec.Ramdisk);
        Assert.Equal(128, spec.MemoryMib);
        Assert.Equal(2, spec.Vcpus);
        Assert.Equal(2, spec.MaxVcpus);
        Assert.Equal("root=/dev/vda1", spec.KernelCmdline);
        VifSpec vif = Assert.Single(spec.Vifs);
        Assert.Equal(new VifSpec { Source = "" }, vif);
        DiskSpec disk = Assert.Single(spec.Disks);
        Assert.Equal(("/dev/vg/guest-volume", "raw", "xvda", false), (disk.Target, disk.Format, disk.Vdev, disk.ReadOnly));
        Assert.Equal(
            ["root=/dev/xvda1: Xen device names do not exist under QEMU; the disk with vdev xvda is /dev/vda in the guest, so root=/dev/vda1 is used"],
            result.Messages());
    }

    [Fact]
    public void Read_HvmExample_NeedsNoKernelAndServesSdlByVnc()
    {
        FakeHost host = new FakeHost().With("/dev/vg/guest-volume");

        ConfigReadResult result = Configs.ReadFixture(["examples", "hvm.cfg"], host, strict: true);

        VmSpec spec = result.Spec!;
        Assert.Equal(BootMode.Hvm, spec.Boot);
        Assert.Null(spec.Kernel);
        Assert.Equal("xvda", Assert.Single(spec.Disks).Vdev);
        Assert.Single(spec.Vifs);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity != DiagnosticSeverity.Note);
        ConfigDiagnostic sdl = Assert.Single(result.Diagnostics, d => d.Message.StartsWith("sdl:", StringComparison.Ordinal));
        Assert.Equal((DiagnosticSeverity.Note, 18, 1), (sdl.Severity, sdl.Line, sdl.Column));
        Assert.Equal(("std", true), (spec.Vga, spec.Vnc));
    }

    [Fact]
    public void Read_XmStyleHvm_MapsBuilderCdromBootOrderAndNic()
    {
        FakeHost host = new FakeHost().With("/dev/vg/win", "/isos/install.iso");

        ConfigReadResult result = Configs.ReadFixture(["examples", "hvm-xm.cfg"], host, strict: true);

        VmSpec spec = result.Spec!;
        Assert.Equal(BootMode.Hvm, spec.Boot);
        Assert.Equal("dc", spec.BootOrder);
        Assert.Equal(LifecycleAction.Preserve, spec.OnCrash);
        Assert.Collection(
            spec.Disks,
            d => Assert.Equal(("/dev/vg/win", "hda", false, DiskDeviceType.Disk), (d.Target, d.Vdev, d.ReadOnly, d.DeviceType)),
            d => Assert.Equal(("/isos/install.iso", "hdc", true, DiskDeviceType.Cdrom), (d.Target, d.Vdev, d.ReadOnly, d.DeviceType)));
        VifSpec vif = Assert.Single(spec.Vifs);
        Assert.Equal(("00:16:3e:00:00:01", "xenbr0", "e1000"), (vif.Mac, vif.Bridge, vif.Model));
        Assert.True(spec.Acpi);
        Assert.True(spec.Usb);
        Assert.Equal(["usb-tablet"], spec.UsbDevices);
        Assert.Empty(result.Warnings());
        Assert.True(spec.Vnc);
    }
}
