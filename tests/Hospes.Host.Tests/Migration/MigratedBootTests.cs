using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;
using Hospes.Host.State;
using Hospes.Host.Tests.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// #15: a pygrub guest migrates with the kernel, initrd and arguments its source extracted at its start (its RAM runs
/// them): the destination boots those and never reads a disk the guest writes, or one still empty (--copy-storage).
/// </summary>
public sealed class MigratedBootTests
{
    private static readonly byte[] Kernel = "a kernel the guest's menu named"u8.ToArray(), Initrd = "its initrd"u8.ToArray();

    [Fact]
    public async Task TheSource_SendsWhatItsBootloaderExtracted_EvenWithCopyStorage()
    {
        await using var floor = new VmFloor();
        VmRecord record = Pygrub(floor);
        string boot = Directory.CreateDirectory(Path.Combine(floor.Layout.VmDir(record.Uuid), "boot")).FullName;
        File.WriteAllBytes(Path.Combine(boot, "kernel"), Kernel);
        File.WriteAllBytes(Path.Combine(boot, "initrd"), Initrd);
        File.WriteAllText(Path.Combine(boot, "cmdline"), "root=/dev/vda1 ro");

        Result<MigrationOffer> offer = await Build(floor, record, dryRun: false);

        Assert.Equal(new MigratedBoot(Convert.ToBase64String(Kernel), Convert.ToBase64String(Initrd), "root=/dev/vda1 ro"), offer.Value.Boot);
        Assert.Equal("xvda", Assert.Single(offer.Value.MirroredDisks).Vdev);
        Assert.Null((await Build(floor, record, dryRun: true)).Value.Boot);
    }

    [Fact]
    public async Task TheSource_WhoseExtractedKernelIsGone_RefusesBeforeAnything_SayingHowToGetItBack()
    {
        await using var floor = new VmFloor();
        VmRecord record = Pygrub(floor);

        Result<MigrationOffer> offer = await Build(floor, record, dryRun: false);

        Assert.Equal(ErrorCode.InvalidState, offer.Error!.Code);
        Assert.Contains("the kernel its bootloader extracted at its start is gone from", offer.Error.Message, StringComparison.Ordinal);
        Assert.Contains("shut it down and start it again", offer.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDestination_BootsTheKernelSent_NotOneFromTheDisk()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = PygrubOffer(destination) with { Boot = new MigratedBoot(Convert.ToBase64String(Kernel), null, "root=/dev/vda1") };

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.True(prepared.IsOk, prepared.Error?.Message);
        string boot = Path.Combine(destination.Floor.Layout.VmDir(offer.Spec.Uuid), "boot");
        Assert.Equal(Kernel, File.ReadAllBytes(Path.Combine(boot, "kernel")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(boot, "kernel")));
        IReadOnlyList<string> args = destination.Floor.Qemu.Launched[^1];
        Assert.Equal(Path.Combine(boot, "kernel"), args[args.ToList().IndexOf("-kernel") + 1]);
        Assert.Contains("root=/dev/vda1 console=ttyS0", args[args.ToList().IndexOf("-append") + 1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!", null, "", "the kernel sent is not base64, or empty")]
    [InlineData("", null, "", "the kernel sent is not base64, or empty")]
    [InlineData("a2VybmVs", "%%%", "", "the initrd sent is not base64")]
    [InlineData("a2VybmVs", null, "root=/dev/vda1\ninit=/bin/sh", "hold a control character")]
    public async Task TheDestination_RefusesBootFilesThatAreNotSuch_AndMakesNothing(string kernel, string? initrd, string args, string why)
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = PygrubOffer(destination) with { Boot = new MigratedBoot(kernel, initrd, args) };

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal(ErrorCode.InvalidArgument, prepared.Error!.Code);
        Assert.Contains(why, prepared.Error.Message, StringComparison.Ordinal);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task TheDestination_RefusesAKernelSentForAVmWithoutABootloader()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with { Boot = new MigratedBoot(Convert.ToBase64String(Kernel), null, "") });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Contains("a kernel is sent for a VM that does not boot with a bootloader", prepared.Error!.Message, StringComparison.Ordinal);
        destination.AssertNothingOf(offer.Spec);
    }

    private static VmRecord Pygrub(VmFloor floor)
    {
        VmSpec spec = floor.Spec("web") with { Kernel = null, Bootloader = "pygrub", KernelCmdline = "console=ttyS0" };
        string disk = Path.Combine(floor.Layout.VmDir(spec.Uuid), "disks", "xvda.qcow2");
        return new VmRecord { Spec = spec with { Disks = [new DiskSpec { Target = disk, Vdev = "xvda", Format = "qcow2" }] } };
    }

    private static Task<Result<MigrationOffer>> Build(VmFloor floor, VmRecord record, bool dryRun)
    {
        var plan = new MigrationPlan { Target = new FakeMigrationTarget(), SourceHost = "host-a", CopyStorage = true, DryRun = dryRun, Emit = _ => Task.CompletedTask };
        var qmp = new FakeQmp();
        qmp.Answer("query-named-block-nodes", "[]");
        return new MigrationOfferBuilder(floor.Options.StateDir, floor.Balloons).BuildAsync(record, plan, qmp, running: true);
    }

    private static MigrationOffer PygrubOffer(DestinationFloor destination) => destination.Offer(o => o with
    {
        Spec = o.Spec with
        {
            Kernel = null,
            Bootloader = "pygrub",
            KernelCmdline = "console=ttyS0",
            Disks = [new DiskSpec { Target = $"/var/lib/hospes/vms/{o.Spec.Uuid}/disks/xvda.qcow2", Format = "qcow2", Vdev = "xvda" }],
        },
        MirroredDisks = [new("xvda", 1 << 20)],
    });
}
