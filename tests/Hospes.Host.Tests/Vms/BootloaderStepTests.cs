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

    [Fact]
    public async Task CopyStorageMigrationOfAPygrubGuest_IsRefusedBeforeAnything_NamingTheWayThatWorks()
    {
        await using var floor = new VmFloor();
        string disk = Path.Combine(floor.Options.StateDir, "vms", "x", "disks", "xvda.qcow2");
        var record = new VmRecord { Spec = Pygrub() with { Disks = [new DiskSpec { Target = disk, Vdev = "xvda", Format = "qcow2" }] } };
        var plan = new MigrationPlan { Target = new FakeMigrationTarget(), SourceHost = "host-a", CopyStorage = true, Emit = _ => Task.CompletedTask };

        Result<MigrationOffer> offer = await new MigrationOfferBuilder(floor.Options.StateDir, floor.Balloons).BuildAsync(record, plan, new FakeQmp(), running: true);

        Assert.Equal(ErrorCode.InvalidState, offer.Error?.Code);
        Assert.Contains("boots with bootloader 'pygrub', which reads the kernel from xvda", offer.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("or give kernel= and ramdisk=", offer.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedStorageMigration_SendsTheKernelOfTheStart_AndTheDestinationBootsItFromFiles0600()
    {
        await using var floor = new VmFloor();
        var record = new VmRecord { Spec = Pygrub() with { Uuid = Guid.NewGuid() } };
        string sourceDir = floor.Layout.VmDir(record.Uuid);
        Directory.CreateDirectory(sourceDir);
        Directory.Move(Extracted("root=/dev/vda1 ro", initrd: true), Path.Combine(sourceDir, "boot"));
        var plan = new MigrationPlan { Target = new FakeMigrationTarget(), SourceHost = "host-a", Emit = _ => Task.CompletedTask };
        var qmp = new FakeQmp();
        qmp.Answer("query-named-block-nodes", "[]");

        Result<MigrationOffer> offer = await new MigrationOfferBuilder(floor.Options.StateDir, floor.Balloons).BuildAsync(record, plan, qmp, running: true);

        Assert.True(offer.IsOk, offer.Error?.Message);
        Assert.Equal(new MigratedBoot(Convert.ToBase64String("kernel"u8.ToArray()), Convert.ToBase64String("initrd"u8.ToArray()), "root=/dev/vda1 ro"), offer.Value.Boot);

        // The destination: its copy of the disk is never read (here it does not even exist).
        await using var destination = new DestinationFloor();
        MigrationOffer sent = destination.Offer(o => o with { Spec = o.Spec with { Kernel = null, Bootloader = "pygrub", KernelCmdline = "console=ttyS0" }, Boot = offer.Value.Boot });
        Result<MigrationPrepared> prepared = await destination.PrepareAsync(sent);

        Assert.True(prepared.IsOk, prepared.Error?.Message);
        string boot = Path.Combine(destination.Floor.Layout.VmDir(sent.Spec.Uuid), "boot");
        Assert.Equal("kernel", File.ReadAllText(Path.Combine(boot, "kernel")));
        Assert.Equal("initrd", File.ReadAllText(Path.Combine(boot, "initrd")));
        Assert.All(Directory.GetFiles(boot), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        IReadOnlyList<string> args = destination.Floor.Qemu.Launched[^1];
        Assert.Equal(Path.Combine(boot, "kernel"), args[args.ToList().IndexOf("-kernel") + 1]);
        Assert.Contains("root=/dev/vda1 ro console=ttyS0", args[args.ToList().IndexOf("-append") + 1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a kernel for a guest without a bootloader", false, "a2VybmVs", "ro")]
    [InlineData("not base64", true, "!!not base64!!", "ro")]
    [InlineData("control characters", true, "a2VybmVs", "ro\nsystemd.unit=rescue")]
    public async Task Destination_RefusesBootFilesThatDoNotFit_AndMakesNothing(string what, bool pygrub, string kernel, string args)
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with
        {
            Spec = pygrub ? o.Spec with { Kernel = null, Bootloader = "pygrub" } : o.Spec,
            Boot = new MigratedBoot(kernel, null, args),
        });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.True(prepared.Error?.Code == ErrorCode.InvalidArgument, what);
        Assert.Contains("is malformed", prepared.Error!.Message, StringComparison.Ordinal);
        destination.AssertNothingOf(offer.Spec);
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
