using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Reading;

/// <summary>root, extra and cmdline, and the rewriting of Xen device names in root=.</summary>
public sealed class CommandLineTests
{
    private const string Disks = "disk = [ '/images/boot.img,raw,xvda1,w', '/images/web.img,raw,xvdb,w', '/images/cd.iso,raw,hdc,cdrom' ]\n";

    private static ConfigReadResult Read(string lines) =>
        Configs.Read(Configs.Minimal + lines, new FakeHost { AllPathsExist = true }, path: "web.cfg");

    [Fact]
    public void Read_RootAndExtra_AreJoined()
    {
        ConfigReadResult result = Read("root = '/dev/vda ro'\nextra = 'console=hvc0 quiet'\n");

        Assert.Equal("root=/dev/vda ro console=hvc0 quiet", result.Spec!.KernelCmdline);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Read_Cmdline_IsTheWholeCommandLine()
    {
        ConfigReadResult result = Read("cmdline = 'root=/dev/xvda1 console=hvc0'\nroot = '/dev/sda1'\nextra = 'quiet'\n" + Disks);

        Assert.Equal("root=/dev/vda console=hvc0", result.Spec!.KernelCmdline);
        Assert.Equal(
        [
            "root=/dev/xvda1: Xen device names do not exist under QEMU; the disk with vdev xvda1 is /dev/vda in the guest, so root=/dev/vda is used",
            "root is ignored because cmdline is set; cmdline is the whole kernel command line",
            "extra is ignored because cmdline is set; cmdline is the whole kernel command line",
        ],
            result.Messages());
    }

    [Theory]
    [InlineData("root = '/dev/xvda1 ro'", "root=/dev/vda ro", "root=/dev/xvda1: Xen device names do not exist under QEMU; the disk with vdev xvda1 is /dev/vda in the guest, so root=/dev/vda is used")]
    [InlineData("root = '/dev/xvdb'", "root=/dev/vdb", "root=/dev/xvdb: Xen device names do not exist under QEMU; the disk with vdev xvdb is /dev/vdb in the guest, so root=/dev/vdb is used")]
    [InlineData("root = '/dev/xvdb2'", "root=/dev/vdb2", "root=/dev/xvdb2: Xen device names do not exist under QEMU; the disk with vdev xvdb is /dev/vdb in the guest, so root=/dev/vdb2 is used")]
    [InlineData("extra = 'console=hvc0 root=/dev/xvdb3'", "console=hvc0 root=/dev/vdb3", "root=/dev/xvdb3: Xen device names do not exist under QEMU; the disk with vdev xvdb is /dev/vdb in the guest, so root=/dev/vdb3 is used")]
    [InlineData("root = '/dev/xvdz1'", "root=/dev/xvdz1", "root=/dev/xvdz1: no disk of this config has that vdev, and Xen device names do not exist under QEMU; point root= at the guest's /dev/vdX")]
    public void Read_RootNamingAXenDevice_IsRewrittenForPvGuests(string line, string cmdline, string warning)
    {
        ConfigReadResult result = Read(line + "\n" + Disks);

        Assert.Equal(cmdline, result.Spec!.KernelCmdline);
        Assert.Equal([warning], result.Messages());
    }

    [Theory]
    [InlineData("root = 'LABEL=root ro'", "root=LABEL=root ro")]
    [InlineData("root = '/dev/mapper/vg-root'", "root=/dev/mapper/vg-root")]
    [InlineData("root = '/dev/hdc'", "root=/dev/hdc")]
    public void Read_RootNotNamingADisk_IsKept(string line, string cmdline)
    {
        ConfigReadResult result = Read(line + "\n" + Disks);

        Assert.Equal(cmdline, result.Spec!.KernelCmdline);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Read_XenDevicesInCmdline_AreRewrittenWithAWarningEach()
    {
        ConfigReadResult result = Read("cmdline = 'console=hvc0 root=/dev/xvdb3 resume=/dev/xvdb2'\n" + Disks);

        Assert.Equal("console=hvc0 root=/dev/vdb3 resume=/dev/vdb2", result.Spec!.KernelCmdline);
        Assert.Equal(
        [
            "root=/dev/xvdb3: Xen device names do not exist under QEMU; the disk with vdev xvdb is /dev/vdb in the guest, so root=/dev/vdb3 is used",
            "resume=/dev/xvdb2: Xen device names do not exist under QEMU; the disk with vdev xvdb is /dev/vdb in the guest, so resume=/dev/vdb2 is used",
        ],
            result.Messages());
    }

    [Fact]
    public void Read_TripleQuotedExtraOverSeveralLines_IsOneCommandLine()
    {
        ConfigReadResult result = Read("extra = \"\"\"console=hvc0\n   root=/dev/xvdb\n   quiet\"\"\"\nmemory = 256\n" + Disks);

        Assert.Empty(result.Errors());
        Assert.Equal("console=hvc0 root=/dev/vdb quiet", result.Spec!.KernelCmdline);
        Assert.Equal(256, result.Spec.MemoryMib);
    }

    [Fact]
    public void Read_HvmGuestWithKernel_KeepsXenNames()
    {
        ConfigReadResult result = Read("type = 'hvm'\nroot = '/dev/xvda1'\n" + Disks);

        Assert.Equal("root=/dev/xvda1", result.Spec!.KernelCmdline);
    }

    [Fact]
    public void Read_HvmGuestWithoutKernel_IgnoresTheCommandLine()
    {
        ConfigReadResult result = Configs.Read("name = 'web'\ntype = 'hvm'\nextra = 'quiet'\n", new FakeHost(), path: "web.cfg");

        Assert.Equal("", result.Spec!.KernelCmdline);
        Assert.Equal(["web.cfg:3:9: warning: the kernel command line is ignored: an HVM guest without kernel= boots from its disks"], result.Warnings());
    }
}
