using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Writing;

/// <summary>XenConfigWriter's text reads back to the spec it was written from.</summary>
public sealed class RoundTripTests
{
    private static VmSpec ReadBack(VmSpec spec)
    {
        var host = new FakeHost { AllPathsExist = true, CpuCount = 64 };
        host.PciDevices.UnionWith(spec.PciDevices);
        ConfigReadResult result = XenConfigReader.Read(
            new XenConfigSource(XenConfigWriter.Write(spec), "/elsewhere/written.cfg"),
            new ConfigReadOptions { Host = host });
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Spec!;
    }

    /// <summary>Record equality compares lists by reference, and Source texts differ by design; compare the rest.</summary>
    private static void AssertSameVm(VmSpec expected, VmSpec actual)
    {
        static VmSpec Scalars(VmSpec s) => s with { Disks = [], Vifs = [], PciDevices = [], UsbDevices = [], SourcePath = null };
        Assert.Equal(expected.UsbDevices, actual.UsbDevices);
        Assert.Equal(Scalars(expected), Scalars(actual));
        Assert.Equal(expected.Disks.Select(d => d with { Source = null }), actual.Disks.Select(d => d with { Source = null }));
        Assert.Equal(expected.Vifs.Select(v => v with { Source = null }), actual.Vifs.Select(v => v with { Source = null }));
        Assert.Equal(expected.PciDevices, actual.PciDevices);
    }

    [Theory]
    [InlineData("SL4.7_001.cfg")]
    [InlineData("ce.ngc6475.cfg")]
    [InlineData("se.ngc6475.cfg")]
    [InlineData("test-SE.cfg")]
    public void Write_SeedConfigSpec_ReadsBackEqual(string name)
    {
        VmSpec spec = Configs.ReadFixture(["seed-configs", name], new FakeHost()).Spec!;

        AssertSameVm(spec, ReadBack(spec));
    }

    [Fact]
    public void Write_SpecUsingEveryField_ReadsBackEqual()
    {
        var spec = new VmSpec
        {
            Name = "db-1.example",
            Uuid = Guid.Parse("3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f"),
            MemoryMib = 2048,
            MaxMemoryMib = 4096,
            Vcpus = 2,
            MaxVcpus = 8,
            CpuAffinity = "0-1,4",
            Boot = BootMode.Hvm,
            Kernel = "/boot/vmlinuz with space",
            Ramdisk = "image:initrd",
            KernelCmdline = "root=/dev/xvda1 msg=\"hi\" path=C:\\x\ttab",
            Disks =
            [
                new DiskSpec { Target = "/images/db,1:a.qcow2", Format = "qcow2", Vdev = "xvda" },
                new DiskSpec { Target = "/images/old.vhd", Format = "vpc", Vdev = "xvdb", ReadOnly = true },
                new DiskSpec { Target = "image:debian12", Format = "qed", Vdev = "sda7" },
                new DiskSpec { Target = "", Vdev = "hdc", ReadOnly = true, DeviceType = DiskDeviceType.Cdrom },
                new DiskSpec { Target = "/isos/install.iso", Vdev = "hdd", ReadOnly = true, DeviceType = DiskDeviceType.Cdrom },
            ],
            Vifs =
            [
                new VifSpec(),
                new VifSpec { Mac = "00:16:3e:12:34:56", Ip = "10.0.0.5", Bridge = "br0", Model = "e1000", VifName = "db0" },
                new VifSpec { Model = "rtl8139" },
            ],
            PciDevices = ["0000:06:02.0", "0001:0a:1f.7"],
            OnPoweroff = LifecycleAction.Preserve,
            OnReboot = LifecycleAction.RenameRestart,
            OnCrash = LifecycleAction.Restart,
            CpuWeight = 512,
            CpuCap = 150,
            Bootloader = null,
            Accel = Accelerator.Kvm,
            Machine = "q35",
            BootOrder = "dcn",
            Firmware = "ovmf",
            LocalTime = true,
            Acpi = false,
            Apic = false,
            Hpet = false,
            Usb = true,
            UsbDevices = ["usb-tablet", "usb-kbd"],
            SoundHw = "hda",
        };

        AssertSameVm(spec, ReadBack(spec));
    }

    [Fact]
    public void Write_PvSpecWithBootloader_ReadsBackEqual()
    {
        var spec = new VmSpec
        {
            Name = "legacy",
            Boot = BootMode.Pvh,
            Bootloader = "pygrub",
            KernelCmdline = "root=/dev/vda ro",
            Accel = Accelerator.Tcg,
            Machine = "microvm",
        };

        AssertSameVm(spec, ReadBack(spec));
    }

    [Fact]
    public void Write_SmallSpec_GivesNormalizedText()
    {
        var spec = new VmSpec
        {
            Name = "web",
            Kernel = "/boot/vmlinuz",
            KernelCmdline = "root=/dev/vda ro",
            MemoryMib = 512,
            MaxMemoryMib = 512,
            Disks = [new DiskSpec { Target = "/images/web.img", Vdev = "xvda" }],
            Vifs = [new VifSpec { Mac = "00:16:3e:00:00:01", Bridge = "br0" }],
        };

        Assert.Equal(
            """
            # Written by Hospes
            name = "web"
            type = "pv"
            memory = 512
            maxmem = 512
            vcpus = 1
            maxvcpus = 1
            kernel = "/boot/vmlinuz"
            cmdline = "root=/dev/vda ro"
            disk = [
                "format=raw, vdev=xvda, access=rw, target=/images/web.img",
            ]
            vif = [
                "mac=00:16:3e:00:00:01,bridge=br0,model=virtio-net",
            ]
            on_poweroff = "destroy"
            on_reboot = "restart"
            on_crash = "destroy"

            """.ReplaceLineEndings("\n"),
            XenConfigWriter.Write(spec));
    }
}
