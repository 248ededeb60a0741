using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>type/builder, kernel, ramdisk, bootloader.</summary>
public sealed class BootTests
{
    private static ConfigReadResult Read(string text, bool strict = false) => Configs.Read(text, Configs.Host(), strict, path: "web.cfg");

    [Theory]
    [InlineData("type = 'pv'", BootMode.Pv)]
    [InlineData("type = 'pvh'", BootMode.Pvh)]
    [InlineData("type = 'hvm'", BootMode.Hvm)]
    [InlineData("type = 'HVM'", BootMode.Hvm)]
    [InlineData("builder = 'linux'", BootMode.Pv)]
    [InlineData("builder = 'generic'", BootMode.Pv)]
    [InlineData("builder = 'hvm'", BootMode.Hvm)]
    [InlineData("", BootMode.Pv)]
    public void Read_TypeOrBuilder_SetsTheBootMode(string line, BootMode expected)
    {
        ConfigReadResult result = Read(Configs.Minimal + line + "\n");

        Assert.Equal(expected, result.Spec!.Boot);
    }

    [Fact]
    public void Read_TypeAndBuilder_TypeWinsWithAWarning()
    {
        ConfigReadResult result = Read(Configs.Minimal + "type = 'pvh'\nbuilder = 'hvm'\n");

        Assert.Equal(BootMode.Pvh, result.Spec!.Boot);
        Assert.Equal(["builder is ignored because type is set; remove builder"], result.Messages());
    }

    [Fact]
    public void Read_DeprecatedPvhFlag_MeansPvh()
    {
        ConfigReadResult result = Read(Configs.Minimal + "pvh = 1\n");

        Assert.Equal(BootMode.Pvh, result.Spec!.Boot);
        Assert.Equal(["pvh = 1 is deprecated in xl; write type = 'pvh'"], result.Messages());
    }

    [Theory]
    [InlineData("type = 'xen'", "web.cfg:3:8: error: type: 'xen' is not a guest type; use 'pv', 'pvh' or 'hvm'")]
    [InlineData("builder = 'other'", "web.cfg:3:11: error: builder: 'other' is not a builder; use type = 'pv', 'pvh' or 'hvm' instead")]
    public void Read_BadType_IsAnError(string line, string error)
    {
        Assert.Equal([error], Read(Configs.Minimal + line + "\n").Errors());
    }

    [Theory]
    [InlineData("builder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'")]
    [InlineData("type = 'hvm'\nkernel = '/usr/lib/xen-4.0/boot/hvmloader'")]
    public void Read_HvmLoaderAsKernel_IsXensFirmwareAndIgnored(string lines)
    {
        // The host has no hvmloader: strict reading must not ask for it.
        ConfigReadResult result = Read("name = 'win'\n" + lines + "\n", strict: true);

        Assert.NotNull(result.Spec);
        Assert.Null(result.Spec.Kernel);
        Assert.Equal(BootMode.Hvm, result.Spec.Boot);
        Assert.Empty(result.Warnings());
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Note && d.Message.Contains("is Xen's HVM firmware (hvmloader)", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_HvmLoaderForAPvGuest_IsStillAKernelPath()
    {
        ConfigReadResult result = Read("name = 'web'\nkernel = '/usr/lib/xen/boot/hvmloader'\n", strict: true);

        Assert.Null(result.Spec);
        Assert.Contains("/usr/lib/xen/boot/hvmloader does not exist", Assert.Single(result.Errors()), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HvmWithoutKernel_IsFine()
    {
        ConfigReadResult result = Read("name = 'web'\ntype = 'hvm'\n", strict: true);

        Assert.Empty(result.Diagnostics);
        Assert.Null(result.Spec!.Kernel);
    }

    [Fact]
    public void Read_PvWithoutKernelOrBootloader_IsAnError()
    {
        ConfigReadResult result = Read("name = 'web'\n");

        Assert.Equal(["web.cfg: error: no kernel: set kernel= or type = 'hvm'"], result.Errors());
        Assert.False(result.Diagnostics[0].HostDependent);
    }

    [Fact]
    public void Read_PvWithPygrubOnly_IsAccepted_TheKernelComesFromTheDiskAtStart()
    {
        ConfigReadResult strict = Read("name = 'web'\nbootloader = '/usr/lib/xen-3.0.3-1/bin/pygrub'\n", strict: true);

        Assert.Empty(strict.Errors());
        Assert.Equal("/usr/lib/xen-3.0.3-1/bin/pygrub", strict.Spec!.Bootloader);
        Assert.Null(strict.Spec.Kernel);
    }

    [Fact]
    public void Read_PvWithAnotherBootloader_IsAHostProblem()
    {
        const string Text = "name = 'web'\nbootloader = 'pvgrub'\n";

        ConfigReadResult lenient = Read(Text);
        ConfigReadResult strict = Read(Text, strict: true);

        string message = "bootloader 'pvgrub' is not supported: Hospes does pygrub's job itself (reads the GRUB menu in the guest's disk); write bootloader = 'pygrub', or set kernel= (and ramdisk=)";
        Assert.Equal([$"web.cfg:2:14: warning: {message}"], lenient.Warnings());
        Assert.Equal([$"web.cfg:2:14: error: {message}"], strict.Errors());
    }

    [Fact]
    public void Read_KernelAndBootloader_KernelWinsWithAWarning()
    {
        ConfigReadResult result = Read(Configs.Minimal + "bootloader = '/usr/bin/pygrub'\n", strict: true);

        Assert.Equal("/boot/vmlinuz", result.Spec!.Kernel);
        Assert.Equal("/usr/bin/pygrub", result.Spec.Bootloader);
        Assert.Equal(["web.cfg:3:14: warning: bootloader '/usr/bin/pygrub' is ignored because kernel is set"], result.Warnings());
    }

    [Fact]
    public void Read_RelativeKernelAndRamdisk_ResolveAgainstTheConfigFolder()
    {
        FakeHost host = new FakeHost().With("/vms/kernels/vmlinuz", "/vms/initrd.img");

        ConfigReadResult result = Configs.Read(
            "name = 'web'\nkernel = 'kernels/vmlinuz'\nramdisk = 'initrd.img'\n", host, strict: true);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(("/vms/kernels/vmlinuz", "/vms/initrd.img"), (result.Spec!.Kernel, result.Spec.Ramdisk));
    }

    [Fact]
    public void Read_ImageReferenceKernel_IsKeptAndNotChecked()
    {
        ConfigReadResult result = Configs.Read("name = 'web'\nkernel = 'image:debian-kernel'\n", new FakeHost(), strict: true);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("image:debian-kernel", result.Spec!.Kernel);
    }

    [Fact]
    public void Read_MissingKernelAndRamdisk_AreHostProblems()
    {
        ConfigReadResult result = Configs.Read(
            "name = 'web'\nkernel = '/boot/missing'\nramdisk = '/boot/missing.img'\n", new FakeHost(), path: "web.cfg");

        Assert.Equal(
        [
            "web.cfg:2:10: warning: kernel: file /boot/missing does not exist on this host; copy it there or use kernel = 'image:NAME' from the Hospes store",
            "web.cfg:3:11: warning: ramdisk: file /boot/missing.img does not exist on this host; copy it there or use ramdisk = 'image:NAME' from the Hospes store",
        ],
            result.Warnings());
        Assert.All(result.Diagnostics, d => Assert.True(d.HostDependent));
    }
}
