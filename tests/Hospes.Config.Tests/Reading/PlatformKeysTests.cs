using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>localtime, acpi, apic, hpet, usb, usbdevice, soundhw, bios/firmware, vcpu_avail and cdrom.</summary>
public sealed class PlatformKeysTests
{
    private const string Hvm = "name = 'win'\nbuilder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\n";

    private static ConfigReadResult Read(string text) => Configs.Read(text, Configs.Host(), path: "web.cfg");

    [Theory]
    [InlineData("localtime = 1", true)]
    [InlineData("localtime = 0", false)]
    [InlineData("localtime = '1'", true)]
    public void Read_Localtime_SetsTheRtcBase(string line, bool expected)
    {
        ConfigReadResult result = Read(Hvm + line + "\n");

        Assert.Equal(expected, result.Spec!.LocalTime);
        Assert.Empty(result.Warnings());
    }

    [Fact]
    public void Read_LocaltimeOfAPvGuest_IsHonouredToo()
    {
        Assert.True(Read(Configs.Minimal + "localtime = 1\n").Spec!.LocalTime);
    }

    [Fact]
    public void Read_AcpiApicHpetOff_AreKeptForAnHvmGuest()
    {
        VmSpec spec = Read(Hvm + "acpi = 0\napic = 0\nhpet = 0\n").Spec!;

        Assert.Equal((false, false, false), (spec.Acpi, spec.Apic, spec.Hpet));
    }

    [Fact]
    public void Read_AcpiApicHpetOn_ChangeNothing()
    {
        ConfigReadResult result = Read(Hvm + "acpi = 1\napic = 1\nhpet = 1\npae = 1\n");

        Assert.Equal((true, true, true), (result.Spec!.Acpi, result.Spec.Apic, result.Spec.Hpet));
        Assert.Empty(result.Warnings());
    }

    [Fact]
    public void Read_PlatformKeysOfAPvGuest_AreOnlyNotes()
    {
        ConfigReadResult result = Read(Configs.Minimal + "acpi = 0\nusb = 1\nusbdevice = 'tablet'\nsoundhw = 'hda'\n");

        Assert.True(result.Spec!.Acpi);
        Assert.False(result.Spec.Usb);
        Assert.Null(result.Spec.SoundHw);
        Assert.Empty(result.Warnings());
        Assert.Equal(4, result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Note));
    }

    [Theory]
    [InlineData("acpi = 'maybe'", "acpi: 'maybe' is not a boolean; write acpi = 1 or acpi = 0")]
    [InlineData("hpet = 2", "hpet: 2 is not a boolean; write hpet = 1 or hpet = 0")]
    [InlineData("usbdevice = 'joystick'", "usbdevice: 'joystick' is not a USB device Hospes gives; use 'tablet', 'mouse' or 'keyboard'")]
    [InlineData("soundhw = 'sb16'", "soundhw: 'sb16' is not a sound card Hospes gives; use 'hda', 'ac97' or 'es1370'")]
    [InlineData("bios = 'coreboot'", "bios: 'coreboot' is not a firmware Hospes has; use 'ovmf' (UEFI) or 'seabios' (the default)")]
    public void Read_BadPlatformValue_IsAnError(string line, string error)
    {
        ConfigReadResult result = Read(Hvm + line + "\n");

        Assert.Null(result.Spec);
        Assert.Equal([error], result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message));
    }

    [Theory]
    [InlineData("usbdevice = 'tablet'", new[] { "usb-tablet" })]
    [InlineData("usb = 1\nusbdevice = [ 'tablet', 'mouse', 'keyboard', 'tablet' ]", new[] { "usb-tablet", "usb-mouse", "usb-kbd" })]
    [InlineData("usb = 1", new string[0])]
    public void Read_UsbDevices_GiveTheControllerAndTheDevices(string lines, string[] devices)
    {
        ConfigReadResult result = Read(Hvm + lines + "\n");

        Assert.True(result.Spec!.Usb);
        Assert.Equal(devices, result.Spec.UsbDevices);
        Assert.Empty(result.Warnings());
    }

    [Fact]
    public void Read_UsbHostDevice_WarnsThatItIsNotPassedThrough()
    {
        ConfigReadResult result = Read(Hvm + "usbdevice = 'host:1234:5678'\n");

        Assert.Equal(["usbdevice: 'host:1234:5678': the host's USB devices are not passed to the guest"], result.Warnings().Select(w => w[(w.IndexOf("usbdevice", StringComparison.Ordinal))..]));
    }

    [Theory]
    [InlineData("soundhw = 'hda'", "hda")]
    [InlineData("soundhw = 'AC97'", "ac97")]
    [InlineData("soundhw = 'es1370'", "es1370")]
    public void Read_SoundHw_GivesTheCard(string line, string card)
    {
        Assert.Equal(card, Read(Hvm + line + "\n").Spec!.SoundHw);
    }

    [Theory]
    [InlineData("bios = 'ovmf'", "ovmf")]
    [InlineData("firmware = 'uefi'", "ovmf")]
    [InlineData("bios = 'seabios'", null)]
    [InlineData("firmware = 'bios'", null)]
    [InlineData("bios = 'rombios'", null)]
    public void Read_Firmware_IsSeabiosOrOvmf(string line, string? firmware)
    {
        ConfigReadResult result = Read(Hvm + line + "\n");

        Assert.Equal(firmware, result.Spec!.Firmware);
        Assert.Empty(result.Warnings());
    }

    [Fact]
    public void Read_OvmfForAPvGuest_IsAnError()
    {
        Assert.Equal(
            ["web.cfg:3:8: error: bios: 'ovmf' needs type = 'hvm'; PV and PVH guests boot their kernel directly"],
            Read(Configs.Minimal + "bios = 'ovmf'\n").Errors());
    }

    [Theory]
    [InlineData("vcpus = 4\nvcpu_avail = 3", 2, 4)]
    [InlineData("vcpus = 4\nvcpu_avail = 0x1", 1, 4)]
    [InlineData("vcpus = 2\nvcpu_avail = 0xff", 2, 2)]
    [InlineData("vcpus = 2\nmaxvcpus = 4\nvcpu_avail = 7", 3, 4)]
    public void Read_VcpuAvail_BootsWithTheAvailableVcpusOnline(string lines, int online, int max)
    {
        VmSpec spec = Read(Configs.Minimal + lines + "\n").Spec!;

        Assert.Equal((online, max), (spec.Vcpus, spec.MaxVcpus));
    }

    [Fact]
    public void Read_VcpuAvailWithAGap_WarnsThatTheFirstOnesComeUp()
    {
        ConfigReadResult result = Read(Configs.Minimal + "vcpus = 4\nvcpu_avail = 0x5\n");

        Assert.Equal((2, 4), (result.Spec!.Vcpus, result.Spec.MaxVcpus));
        Assert.Equal(["vcpu_avail: 0x5 is not vCPUs 0 to 1; QEMU brings up the first 2, so the guest has 2 online but not exactly those"], result.Messages());
    }

    [Fact]
    public void Read_VcpuAvailOfNone_IsAnError()
    {
        Assert.Equal(
            ["web.cfg:4:14: error: vcpu_avail: 0 leaves no vCPU of the 4 online; set bit 0 at least, e.g. vcpu_avail = 0x1"],
            Read(Configs.Minimal + "vcpus = 4\nvcpu_avail = 0\n").Errors());
    }

    [Fact]
    public void Read_XmCdrom_IsTheInstallMediumInHdc_BootedWithBootD()
    {
        var host = new FakeHost().With("/isos/install.iso", "/images/win.img");

        ConfigReadResult result = Configs.Read(Hvm + "disk = [ 'phy:/images/win.img,hda,w' ]\ncdrom = '/isos/install.iso'\nboot = 'd'\n", host, strict: true, path: "web.cfg");

        VmSpec spec = result.Spec!;
        Assert.Equal("d", spec.BootOrder);
        Assert.Collection(
            spec.Disks,
            d => Assert.Equal(("/images/win.img", "hda", DiskDeviceType.Disk), (d.Target, d.Vdev, d.DeviceType)),
            d => Assert.Equal(("/isos/install.iso", "hdc", DiskDeviceType.Cdrom, true), (d.Target, d.Vdev, d.DeviceType, d.ReadOnly)));
        Assert.Empty(result.Warnings());
    }

    [Fact]
    public void Read_XmCdromWhenHdcIsTaken_IsAnError()
    {
        var host = new FakeHost().With("/isos/install.iso", "/images/win.img");

        ConfigReadResult result = Configs.Read(Hvm + "disk = [ 'phy:/images/win.img,hdc,w' ]\ncdrom = '/isos/install.iso'\n", host, path: "web.cfg");

        Assert.Null(result.Spec);
        Assert.Contains("vdev hdc is already used", Assert.Single(result.Errors()), StringComparison.Ordinal);
    }
}
