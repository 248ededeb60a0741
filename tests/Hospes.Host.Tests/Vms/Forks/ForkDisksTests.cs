using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Tests.Storage;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Forks;

namespace Hospes.Host.Tests.Vms.Forks;

/// <summary>Writable disks at a fork point: planned or refused, split into a base under overlays, undone after a kill, swept with the last user.</summary>
public sealed class ForkDisksTests
{
    [Fact]
    public async Task Plan_RefusesAWritableDiskThatIsNotAStoreVolume_NamingTheDiskAndTheFix()
    {
        await using var store = new StoreFloor();
        string plain = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "elsewhere", "data.qcow2"));
        VmActor web = await store.Floor.DefineAsync(store.Floor.Spec("web", s => s with { Disks = [new DiskSpec { Target = plain, Vdev = "xvdb", Format = "qcow2" }] }));

        Result<IReadOnlyList<ForkDisk>> plan = new ForkDisks(store.Floor.Volumes, store.Img).Plan(web.Record, Guid.NewGuid());

        Assert.Equal(ErrorCode.InvalidArgument, plan.Error!.Code);
        Assert.Contains("its writable disk xvdb", plan.Error.Message, StringComparison.Ordinal);
        Assert.Contains("not a volume of the Hospes store", plan.Error.Message, StringComparison.Ordinal);
        Assert.Contains("hospes disk create", plan.Error.Message, StringComparison.Ordinal);
        Assert.Contains("mode 'r'", plan.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_MakesABaseUnderTheParentsOverlay_EachForkGetsItsOwn_AndTheBaseGoesWithTheLastUser()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");
        VmActor web = await store.VmOnAsync("web", "data");
        var disks = new ForkDisks(store.Floor.Volumes, store.Img);
        var fork = Guid.NewGuid();
        IReadOnlyList<ForkDisk> plan = disks.Plan(web.Record, fork).Value;
        string own = store.Layout.DiskPath("data", "qcow2");
        Assert.Equal(own, Assert.Single(plan).Path);

        Assert.True((await disks.SplitAsync("web", fork, plan, CancellationToken.None)).IsOk);
        VolumeRecord b = Assert.Single(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.ForkBase);
        Assert.Equal(plan[0].Base, b.Path);
        Assert.Equal(b.Id, store.Floor.Volumes.ByPath(own)!.BackingId);

        VmSpec childSpec = disks.ChildDisks(ForkService.ChildSpec(web.Record.Spec, "web-1"), plan);
        VmActor child = (await store.Floor.Vms.DefineForkAsync(childSpec, StateDb.DefaultProject, CancellationToken.None)).Value;
        Assert.True((await disks.MakeChildDisksAsync(child.Record, plan, CancellationToken.None)).IsOk);
        string childDisk = store.Layout.VmDiskPath(child.Record.Uuid, "xvda");
        Assert.Equal(childDisk, Assert.Single(child.Record.Spec.Disks).Target);
        Assert.Equal(b.Path, store.Img.Image(childDisk)!.BackingFile);
        Assert.Equal(b.Id, store.Floor.Volumes.ByPath(childDisk)!.BackingId);

        // `disk check` knows every file: the base is a row, no orphan.
        StoreCheckResult check = (await store.Check.CheckAsync(null, CancellationToken.None)).Value;
        Assert.True(check.Ok, string.Join("; ", check.Volumes.SelectMany(v => v.Problems).Concat(check.Repairs)));

        // Used: not swept. The parent's and the fork's disks go: the base goes with them.
        Assert.Empty(disks.Sweep());
        Assert.True((await store.Floor.Vms.DeleteAsync("web", force: true, CancellationToken.None)).IsOk);
        Assert.True((await store.Disks.DeleteAsync("data", CancellationToken.None)).IsOk);
        Assert.Empty(disks.Sweep());
        Assert.True((await store.Floor.Vms.DeleteAsync("web-1", force: true, CancellationToken.None)).IsOk);
        Assert.Equal([b.Path], disks.Sweep());
        Assert.False(File.Exists(b.Path));
        Assert.DoesNotContain(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.ForkBase);
    }

    [Fact]
    public async Task Settle_AfterAKillBeforeTheRows_PutsEachDiskBackAsItWas()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");
        VmActor web = await store.VmOnAsync("web", "data");
        var disks = new ForkDisks(store.Floor.Volumes, store.Img);
        IReadOnlyList<ForkDisk> plan = disks.Plan(web.Record, Guid.NewGuid()).Value;
        ForkDisk d = plan[0];
        // Killed right after the move: the disk's file is the base, nothing in its place, no row.
        Directory.CreateDirectory(Path.GetDirectoryName(d.Base)!);
        File.Move(d.Path, d.Base);

        disks.Settle(plan);

        Assert.True(File.Exists(d.Path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(d.Base)));
        Assert.DoesNotContain(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.ForkBase);
        Assert.Null(store.Floor.Volumes.ByPath(d.Path)!.BackingId);
    }

    [Fact]
    public async Task Split_ThatQemuImgFails_LeavesTheDisksAsTheyWere()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");
        VmActor web = await store.VmOnAsync("web", "data");
        var disks = new ForkDisks(store.Floor.Volumes, store.Img);
        var fork = Guid.NewGuid();
        IReadOnlyList<ForkDisk> plan = disks.Plan(web.Record, fork).Value;
        store.Img.FailCreate(1); // the overlay in the disk's place

        Result<bool> split = await disks.SplitAsync("web", fork, plan, CancellationToken.None);

        Assert.Contains("its disks are as they were", split.Error!.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(plan[0].Path));
        Assert.Null(store.Img.Image(plan[0].Path)?.BackingFile);
        Assert.DoesNotContain(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.ForkBase);
        Assert.False(Directory.Exists(Path.GetDirectoryName(plan[0].Base)));
    }

    [Fact]
    public async Task FrozenPlan_TakesEachDisksForkBase_AndRefusesADiskNotOnOne()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");
        VmActor web = await store.VmOnAsync("web", "data");
        var disks = new ForkDisks(store.Floor.Volumes, store.Img);
        Assert.Contains("is not an overlay on its fork point's base", disks.FrozenPlan(web.Record).Error!.Message, StringComparison.Ordinal);

        var fork = Guid.NewGuid();
        IReadOnlyList<ForkDisk> plan = disks.Plan(web.Record, fork).Value;
        Assert.True((await disks.SplitAsync("web", fork, plan, CancellationToken.None)).IsOk);
        Assert.Equal(plan[0].Base, Assert.Single(disks.FrozenPlan(web.Record).Value).Base);
    }
}
