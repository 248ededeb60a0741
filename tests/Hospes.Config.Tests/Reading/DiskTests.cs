using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>Every disk syntax of xl-disk-configuration(5), including the deprecated xm forms.</summary>
public sealed class DiskTests
{
    private static ConfigReadResult ReadDisks(FakeHost host, params string[] disks)
    {
        string list = string.Join(", ", disks.Select(d => $"'{d}'"));
        return Configs.Read($"name = 'web'\nkernel = '/boot/vmlinuz'\ndisk = [ {list} ]\n", host, path: "web.cfg");
    }

    private static ConfigReadResult ReadDisks(params string[] disks) => ReadDisks(new FakeHost { AllPathsExist = true }, disks);

    [Theory]
    // The doc's equivalent forms for a disk...
    [InlineData("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "raw", "hda", false, false)]
    [InlineData("/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "raw", "hda", false, false)]
    [InlineData("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume", "/dev/vg/guest-volume", "raw", "hda", false, false)]
    [InlineData("raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", "raw", "hda", false, false)]
    // ...and for a cdrom.
    [InlineData("/root/image.iso,,hdc,cdrom", "/root/image.iso", "raw", "hdc", true, true)]
    [InlineData("/root/image.iso,,hdc,,cdrom", "/root/image.iso", "raw", "hdc", true, true)]
    [InlineData("/root/image.iso,raw,hdc,devtype=cdrom", "/root/image.iso", "raw", "hdc", true, true)]
    [InlineData("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso", "/root/image.iso", "raw", "hdc", true, true)]
    [InlineData("raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso", "raw", "hdc", true, true)]
    // Empty cdrom drives.
    [InlineData(",hdc:cdrom,r", "", "raw", "hdc", true, true)]
    [InlineData("vdev=hdc, devtype=cdrom", "", "raw", "hdc", true, true)]
    [InlineData("vdev=hdc, cdrom, target=", "", "raw", "hdc", true, true)]
    // Deprecated prefixes.
    [InlineData("phy:/dev/sdb,xvdb,w", "/dev/sdb", "raw", "xvdb", false, false)]
    [InlineData("phy:vg/web,xvda,w", "/dev/vg/web", "raw", "xvda", false, false)]
    [InlineData("file:/images/web.img,xvda,w", "/images/web.img", "raw", "xvda", false, false)]
    [InlineData("tap:aio:/images/web.img,sda7,w", "/images/web.img", "raw", "sda7", false, false)]
    [InlineData("tap:qcow2:/images/web.qcow2,xvda,w", "/images/web.qcow2", "qcow2", "xvda", false, false)]
    [InlineData("tap2:tapdisk:aio:/images/web.img,xvda,w", "/images/web.img", "raw", "xvda", false, false)]
    [InlineData("aio:/images/web.img,xvda,r", "/images/web.img", "raw", "xvda", true, false)]
    [InlineData("qcow2:/images/web.qcow2,xvda,w", "/images/web.qcow2", "qcow2", "xvda", false, false)]
    [InlineData("qcow:/images/web.qcow,xvda,w", "/images/web.qcow", "qcow", "xvda", false, false)]
    [InlineData("vhd:/images/web.vhd,xvda,w", "/images/web.vhd", "vpc", "xvda", false, false)]
    [InlineData("ioemu:/images/web.img,hda,w", "/images/web.img", "raw", "hda", false, false)]
    [InlineData("tap:vhd:/images/web.vhd,xvda,w", "/images/web.vhd", "vpc", "xvda", false, false)]
    // xm's target,vdev,access without a prefix.
    [InlineData("/dev/sdb,xvdb,w", "/dev/sdb", "raw", "xvdb", false, false)]
    // Formats, access modes, whitespace and defaults.
    [InlineData("/images/web.qcow2,qcow2,xvda", "/images/web.qcow2", "qcow2", "xvda", false, false)]
    [InlineData("/images/web.img,qed,xvda,w!", "/images/web.img", "qed", "xvda", false, false)]
    [InlineData("/images/web.vmdk,vmdk,xvda,ro", "/images/web.vmdk", "vmdk", "xvda", true, false)]
    [InlineData("/images/web.vdi,vdi,xvda,rw", "/images/web.vdi", "vdi", "xvda", false, false)]
    [InlineData("/images/web.vhd,vhd,xvda,rw", "/images/web.vhd", "vpc", "xvda", false, false)]
    [InlineData("/images/web.img, raw, xvda, ro", "/images/web.img", "raw", "xvda", true, false)]
    [InlineData("format=qcow2,vdev=xvda,target=/images/x.qcow2", "/images/x.qcow2", "qcow2", "xvda", false, false)]
    [InlineData("vdev=xvda, target=/images/with,comma:colon.img", "/images/with,comma:colon.img", "raw", "xvda", false, false)]
    // Relative targets: next to the config, except phy: which means /dev.
    [InlineData("web.img,raw,xvda,rw", "/vms/web.img", "raw", "xvda", false, false)]
    [InlineData("file:disks/web.img,xvda,w", "/vms/disks/web.img", "raw", "xvda", false, false)]
    // Hospes image references stay symbolic.
    [InlineData("image:debian12,qcow2,xvda,rw", "image:debian12", "qcow2", "xvda", false, false)]
    public void Read_DiskForm_GivesTheDiskItDescribes(string text, string target, string format, string vdev, bool readOnly, bool cdrom)
    {
        ConfigReadResult result = Configs.Read(
            $"name = 'web'\nkernel = '/boot/vmlinuz'\ndisk = [ '{text}' ]\n",
            new FakeHost { AllPathsExist = true });

        Assert.Empty(result.Errors());
        DiskSpec disk = Assert.Single(result.Spec!.Disks);
        Assert.Equal(
            new DiskSpec
            {
                Target = target,
                Format = format,
                Vdev = vdev,
                ReadOnly = readOnly,
                DeviceType = cdrom ? DiskDeviceType.Cdrom : DiskDeviceType.Disk,
                Source = text,
            },
            disk);
    }

    [Theory]
    [InlineData("/images/web.img,raw", "no vdev (the guest's name for the disk); write e.g. '/images/web.img,raw,xvda,rw'")]
    [InlineData("/images/web.img,foo,xvda", "unknown format 'foo'; use raw, qcow2, qcow, vhd, qed, vmdk or vdi")]
    [InlineData("/images/web.img,raw,xvda,rw,extra", "too many fields at 'extra'; the form is target,format,vdev,access")]
    [InlineData("/images/web.img,raw,xvda,rx", "unknown access mode 'rx'; use ro or rw")]
    [InlineData("bogus:/images/web.img,xvda,w", "unknown prefix 'bogus:'; write target,format,vdev,access, e.g. '/images/web.qcow2,qcow2,xvda,rw'")]
    [InlineData("/images/web.img,raw,xvda,rw,frobnicate=1", "unknown parameter 'frobnicate=1'; known ones are target=, format=, vdev=, access= and devtype=")]
    [InlineData(",,xvda", "no target; give the image file or device, e.g. '/images/web.img,raw,xvda,rw'")]
    [InlineData("/images/web.img,raw,eth0", "'eth0' is not a guest disk name; use xvdX, hdX or sdX (e.g. xvda, hdc, sda7)")]
    [InlineData("/images/web.img,raw,xvda,devtype=floppy", "unknown device type 'floppy'; use devtype=cdrom or leave it out for a disk")]
    [InlineData("format=raw,format=qcow2,vdev=xvda,target=/images/web.img", "format given twice ('raw' and 'qcow2')")]
    [InlineData("/images/a.img,raw,xvda,vdev=xvdb", "vdev given twice ('xvda' and 'xvdb')")]
    [InlineData("/images/web.img,raw,xvda,rw,/x=y", "'/x=y' is not a disk parameter; a target containing '=' or ',' must be written last, as target=...")]
    public void Read_BadDisk_IsAnErrorNamingTheDisk(string text, string problem)
    {
        ConfigReadResult result = ReadDisks(text);

        Assert.Null(result.Spec);
        Assert.Equal([$"web.cfg:3:10: error: disk '{text}': {problem}"], result.Errors());
    }

    [Theory]
    [InlineData("/images/web.img,raw,xvda,rw,script=block-drbd", "'script=block-drbd' is Xen-only, ignored")]
    [InlineData("/images/web.img,raw,xvda,rw,backend=driverdom", "'backend=driverdom' is Xen-only, ignored")]
    [InlineData("/images/web.img,raw,xvda,rw,colo,colo-host=10.0.0.2", "'colo' is Xen-only, ignored")]
    [InlineData("drbd:web,xvda,w", "block script prefix 'drbd:' is Xen-only and ignored; attach the device on the host and give its path")]
    [InlineData("/root/x.iso,raw,hdc,rw,cdrom", "cdrom drives are read-only; the access mode is ignored")]
    public void Read_DiskWithXenOnlyExtras_WarnsAndKeepsTheDisk(string text, string warning)
    {
        ConfigReadResult result = ReadDisks(text);

        Assert.NotNull(result.Spec);
        Assert.Single(result.Spec.Disks);
        Assert.Contains($"disk '{text}': {warning}", result.Messages());
    }

    [Theory]
    [InlineData("/images/web.img,raw,xvda,rw,discard", "discard")]
    [InlineData("/images/web.img,raw,xvda,rw,backend=0", "backend=0")]
    [InlineData("/images/web.img,raw,xvda,rw,backendtype=qdisk", "backendtype=qdisk")]
    [InlineData("/images/web.img,raw,xvda,rw,direct-io-safe", "direct-io-safe")]
    public void Read_DiskParameterMeaninglessUnderQemu_GivesOnlyANote(string text, string token)
    {
        ConfigReadResult result = ReadDisks(text);

        Assert.Single(result.Spec!.Disks);
        Assert.Empty(result.Warnings());
        Assert.Equal([$"disk '{text}': '{token}' changes nothing under QEMU"], result.Messages());
    }

    [Fact]
    public void Read_DuplicateVdev_IsAnError()
    {
        ConfigReadResult result = ReadDisks("/images/a.img,raw,xvda", "/images/b.img,raw,xvda");

        Assert.Equal(
            ["web.cfg:3:36: error: disk '/images/b.img,raw,xvda': vdev xvda is already used by disk '/images/a.img,raw,xvda'; give each disk its own vdev"],
            result.Errors());
    }

    [Fact]
    public void Read_MissingDiskFile_IsAHostProblem()
    {
        ConfigReadResult lenient = ReadDisks(new FakeHost().With("/boot/vmlinuz"), "tap:aio:/x.img,sda7,w");
        ConfigReadResult strict = Configs.Read(
            "name = 'web'\nkernel = '/boot/vmlinuz'\ndisk = [ 'tap:aio:/x.img,sda7,w' ]\n",
            new FakeHost().With("/boot/vmlinuz"),
            strict: true,
            path: "web.cfg");

        Assert.NotNull(lenient.Spec);
        Assert.Equal(["web.cfg:3:10: warning: disk 'tap:aio:/x.img,sda7,w': file /x.img does not exist on this host"], lenient.Warnings());
        Assert.Null(strict.Spec);
        ConfigDiagnostic error = Assert.Single(strict.Diagnostics);
        Assert.True(error.HostDependent);
        Assert.Equal("web.cfg:3:10: error: disk 'tap:aio:/x.img,sda7,w': file /x.img does not exist on this host", error.ToString());
        Assert.Equal("'tap:aio:/x.img,sda7,w'", error.Text);
    }

    [Fact]
    public void Read_ImageReference_IsNotCheckedOnTheHost()
    {
        ConfigReadResult result = ReadDisks(new FakeHost().With("/boot/vmlinuz"), "image:debian12,qcow2,xvda,rw");

        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Read_SingleStringInsteadOfList_IsOneDisk()
    {
        ConfigReadResult result = Configs.Read(
            "name = 'web'\nkernel = '/boot/vmlinuz'\ndisk = '/images/web.img,raw,xvda,rw'\n",
            new FakeHost { AllPathsExist = true });

        Assert.Equal("xvda", Assert.Single(result.Spec!.Disks).Vdev);
    }
}
