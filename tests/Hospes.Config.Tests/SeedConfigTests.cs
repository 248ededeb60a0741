using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests;

/// <summary>The four real configs Hospes must accept, read on a host that has none of their files or devices.</summary>
public sealed class SeedConfigTests
{
    private static ConfigReadResult ReadSeed(string name, bool strict = false) =>
        Configs.ReadFixture(["seed-configs", name], new FakeHost { CpuCount = 4 }, strict);

    private static string SeedPath(string name) => Configs.FixturePath("seed-configs", name);

    [Theory]
    [InlineData("SL4.7_001.cfg")]
    [InlineData("ce.ngc6475.cfg")]
    [InlineData("se.ngc6475.cfg")]
    [InlineData("test-SE.cfg")]
    public void Read_SeedConfig_HasNoErrorsWhenNotStrict(string name)
    {
        ConfigReadResult result = ReadSeed(name);

        Assert.Empty(result.Errors());
        Assert.NotNull(result.Spec);
        Assert.Equal(Path.GetFullPath(SeedPath(name)), result.Spec.SourcePath);
    }

    [Theory]
    [InlineData("SL4.7_001.cfg")]
    [InlineData("ce.ngc6475.cfg")]
    [InlineData("se.ngc6475.cfg")]
    [InlineData("test-SE.cfg")]
    public void Read_SeedConfigStrictly_TurnsEveryHostProblemIntoAnError(string name)
    {
        ConfigReadResult lenient = ReadSeed(name);
        ConfigReadResult strict = ReadSeed(name, strict: true);

        Assert.Null(strict.Spec);
        Assert.True(strict.HasErrors);
        Assert.Equal(
            lenient.Diagnostics.Where(d => d.HostDependent).Select(d => d.Message),
            strict.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message));
        Assert.All(strict.Diagnostics.Where(d => !d.HostDependent), d => Assert.NotEqual(DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public void Read_SeedConfig_SL47_ParsesWithHostWarnings()
    {
        ConfigReadResult result = ReadSeed("SL4.7_001.cfg");
        string dir = Path.GetDirectoryName(SeedPath("SL4.7_001.cfg"))!;

        VmSpec spec = result.Spec!;
        Assert.Equal("SL4.7_001", spec.Name);
        Assert.Equal(Guid.Empty, spec.Uuid);
        Assert.Equal(256, spec.MemoryMib);
        Assert.Equal(256, spec.MaxMemoryMib);
        Assert.Equal(1, spec.Vcpus);
        Assert.Equal(BootMode.Pv, spec.Boot);
        Assert.Equal("/boot/vmlinuz", spec.Kernel);
        Assert.Equal(Path.Combine(dir, "initrd.img"), spec.Ramdisk);
        Assert.Equal("", spec.KernelCmdline);
        DiskSpec disk = Assert.Single(spec.Disks);
        Assert.Equal("/dev/xen0001_guests/SL4.7_001", disk.Target);
        Assert.Equal("xvda", disk.Vdev);
        Assert.Equal("raw", disk.Format);
        Assert.False(disk.ReadOnly);
        Assert.Equal("phy:xen0001_guests/SL4.7_001,xvda,w", disk.Source);
        VifSpec vif = Assert.Single(spec.Vifs);
        Assert.Equal("10.165.1.10", vif.Ip);
        Assert.Null(vif.Mac);
        Assert.Equal(["0000:06:02.0"], spec.PciDevices);
        Assert.Equal(LifecycleAction.Destroy, spec.OnPoweroff);
        Assert.Equal(LifecycleAction.Restart, spec.OnReboot);
        Assert.Equal(LifecycleAction.Restart, spec.OnCrash);

        string file = SeedPath("SL4.7_001.cfg");
        Assert.Equal(
        [
            $"{file}:1:10: warning: kernel: file /boot/vmlinuz does not exist on this host; copy it there or use kernel = 'image:NAME' from the Hospes store",
            $"{file}:2:9: warning: ramdisk: file {dir}/initrd.img does not exist on this host; copy it there or use ramdisk = 'image:NAME' from the Hospes store",
            $"{file}:6:10: warning: disk 'phy:xen0001_guests/SL4.7_001,xvda,w': device /dev/xen0001_guests/SL4.7_001 does not exist on this host",
            $"{file}:9:8: warning: pci '06.02.0': device 0000:06:02.0 is not present on this host (no /sys/bus/pci/devices/0000:06:02.0); remove it or run the guest where the device is",
        ],
            result.Warnings());
    }

    [Fact]
    public void Read_SeedConfig_CeNgc6475_RewritesRootAndFlagsPygrub()
    {
        ConfigReadResult result = ReadSeed("ce.ngc6475.cfg");

        VmSpec spec = result.Spec!;
        Assert.Equal("ce.ngc6475", spec.Name);
        Assert.Equal(1024, spec.MemoryMib);
        Assert.Equal(1024, spec.MaxMemoryMib);
        Assert.Equal(2, spec.Vcpus);
        Assert.Null(spec.CpuAffinity);
        Assert.Equal(512, spec.CpuWeight);
        Assert.Equal(0, spec.CpuCap);
        Assert.Null(spec.Kernel);
        Assert.Equal("/usr/lib/xen-3.0.3-1/bin/pygrub", spec.Bootloader);
        Assert.Equal(["xvdc1", "xvdc2", "xvdc3"], spec.Disks.Select(d => d.Vdev));
        Assert.Equal(
            ["/dev/xen0001_guests/ce.ngc6475.boot", "/dev/xen0001_guests/ce.ngc6475.root", "/dev/xen0001_guests/ce.ngc6475.swap"],
            spec.Disks.Select(d => d.Target));
        Assert.Equal("root=/dev/vdb ro mem=1073741824", spec.KernelCmdline);
        Assert.Equal("194.190.165.216", Assert.Single(spec.Vifs).Ip);
        Assert.Equal(LifecycleAction.Restart, spec.OnCrash);

        string[] messages = result.Messages();
        Assert.DoesNotContain(messages, m => m.StartsWith("cpu_weight", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings(), w => w.Contains("selinux", StringComparison.Ordinal));
        Assert.Contains(
            "root=/dev/xvdc2: Xen device names do not exist under QEMU; the disk with vdev xvdc2 is /dev/vdb in the guest, so root=/dev/vdb is used",
            messages);
        // pygrub is Hospes's own job: the kernel comes from the boot disk when the VM starts.
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.StartsWith("bootloader", StringComparison.Ordinal));
        Assert.Equal("/usr/lib/xen-3.0.3-1/bin/pygrub", spec.Bootloader);
        Assert.Equal(3, result.Diagnostics.Count(d => d.HostDependent && d.Message.StartsWith("disk ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Read_SeedConfig_SeNgc6475_KeepsDiskOrderForRootRewrite()
    {
        ConfigReadResult result = ReadSeed("se.ngc6475.cfg");

        VmSpec spec = result.Spec!;
        Assert.Equal(512, spec.MemoryMib);
        Assert.Equal(2, spec.Vcpus);
        Assert.Equal(["xvdd1", "xvdd2", "xvdd4", "xvdd5", "xvdd6", "xvdd3"], spec.Disks.Select(d => d.Vdev));
        Assert.Equal("root=/dev/vdb ro", spec.KernelCmdline);
        Assert.Equal("194.190.165.176", Assert.Single(spec.Vifs).Ip);
        Assert.Equal(["0000:06:02.0"], spec.PciDevices);
        Assert.Equal(7, result.Diagnostics.Count(d => d.HostDependent)); // six disks, the pci device (pygrub is Hospes's own job)
    }

    [Fact]
    public void Read_SeedConfig_TestSE_JoinsContinuedListAndNormalizesMac()
    {
        ConfigReadResult result = ReadSeed("test-SE.cfg");

        VmSpec spec = result.Spec!;
        Assert.Equal("test-SE", spec.Name);
        Assert.Equal(340, spec.MemoryMib);
        Assert.Equal("1", spec.CpuAffinity);
        Assert.Equal("/boot/vmlinuz-2.6.16-xenU", spec.Kernel);
        Assert.Equal("aa:00:00:03:b2:2e", Assert.Single(spec.Vifs).Mac);
        Assert.Equal(["/usr/local/xen/test-SE.img", "/usr/local/xen/swap.img"], spec.Disks.Select(d => d.Target));
        Assert.Equal(["sda7", "sda8"], spec.Disks.Select(d => d.Vdev));
        Assert.Equal("root=/dev/vda ro", spec.KernelCmdline);
        Assert.Equal(LifecycleAction.Destroy, spec.OnCrash);
        Assert.Contains(
            "root=/dev/sda7: Xen device names do not exist under QEMU; the disk with vdev sda7 is /dev/vda in the guest, so root=/dev/vda is used",
            result.Messages());
    }

    [Fact]
    public void Read_SeedConfig_OnHostWithEverything_HasNoWarningsOnlyANoteForSelinux()
    {
        var host = new FakeHost { CpuCount = 8 };
        host.With("/boot/vmlinuz", Path.Combine(Path.GetDirectoryName(SeedPath("SL4.7_001.cfg"))!, "initrd.img"), "/dev/xen0001_guests/SL4.7_001");
        host.PciDevices.Add("0000:06:02.0");

        ConfigReadResult result = Configs.ReadFixture(["seed-configs", "SL4.7_001.cfg"], host, strict: true);

        Assert.NotNull(result.Spec);
        Assert.Empty(result.Warnings());
        Assert.Equal(["selinux"], result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Note).Select(d => d.Text));
    }
}
