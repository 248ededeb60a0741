using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;
using Hospes.Host.State;
using Hospes.Host.Tests.Migration;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Vms;

/// <summary>#15: pygrub reads the guest's disk at a start, never for a QEMU that receives a running guest.</summary>
public sealed class BootloaderStepTests : IDisposable
{
    private readonly string _vmDir = Directory.CreateTempSubdirectory("hospes-boot-").FullName;

    [Fact]
    public async Task Incoming_WithTheKernelOfTheStartItCameFrom_BootsItWithoutReadingTheDisk()
    {
        string boot = Extracted("root=/dev/vda1 ro", initrd: true);

        Result<VmSpec> spec = await BootloaderStep.ApplyAsync(Pygrub(), _vmDir, incoming: true, CancellationToken.None);

        Assert.True(spec.IsOk, spec.Error?.Message);
        Assert.Equal(Path.Combine(boot, "kernel"), spec.Value.Kernel);
        Assert.Equal(Path.Combine(boot, "initrd"), spec.Value.Ramdisk);
        Assert.Equal("root=/dev/vda1 ro console=ttyS0", spec.Value.KernelCmdline);
    }

    [Fact]
    public async Task AStart_ReadsTheDiskAgain_SoAKernelTheGuestInstalledBoots()
    {
        Extracted("root=/dev/vda1 ro", initrd: false);

        Result<VmSpec> spec = await BootloaderStep.ApplyAsync(Pygrub(), _vmDir, incoming: false, CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, spec.Error?.Code);
        Assert.Contains("/nonexistent/web.qcow2", spec.Error!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_vmDir, "boot", BootloaderStep.CmdlineFileName)), "a failed extraction leaves nothing an incoming QEMU would boot");
    }

    [Fact]
    public async Task Incoming_AfterAnExtractionThatDidNotFinish_ReadsTheDisk()
    {
        string boot = Extracted("root=/dev/vda1 ro", initrd: false);
        File.Delete(Path.Combine(boot, BootloaderStep.CmdlineFileName));

        Result<VmSpec> spec = await BootloaderStep.ApplyAsync(Pygrub(), _vmDir, incoming: true, CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, spec.Error?.Code);
    }

    public void Dispose() => Directory.Delete(_vmDir, recursive: true);

    private static VmSpec Pygrub() => new()
    {
        Name = "web",
        Bootloader = "pygrub",
        KernelCmdline = "console=ttyS0",
        Disks = [new DiskSpec { Target = "/nonexistent/web.qcow2", Vdev = "xvda", Format = "qcow2" }],
    };

    private string Extracted(string args, bool initrd)
    {
        string boot = Directory.CreateDirectory(Path.Combine(_vmDir, "boot")).FullName;
        File.WriteAllText(Path.Combine(boot, "kernel"), "kernel");
        if (initrd)
        {
            File.WriteAllText(Path.Combine(boot, "initrd"), "initrd");
        }

        File.WriteAllText(Path.Combine(boot, BootloaderStep.CmdlineFileName), args);
        return boot;
    }
}
