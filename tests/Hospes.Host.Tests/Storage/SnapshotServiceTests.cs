using Hospes.Core.Errors;
using Hospes.Host.Storage;

namespace Hospes.Host.Tests.Storage;

/// <summary>Which VMs can hold a snapshot, and a stopped VM's snapshots made with qemu-img on every writable disk.</summary>
public sealed class SnapshotServiceTests
{
    [Fact]
    public async Task OfAVmWithoutWritableDisk_IsRefused()
    {
        await using var store = new StoreFloor();
        await store.Floor.DefineAsync(store.Floor.Spec("web"));

        Result<VmSnapshot> made = await store.Snapshots.CreateAsync("web", "s1", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, made.Error!.Code);
        Assert.Equal("cannot snapshot web: it has no writable disk to hold a snapshot", made.Error!.Message);
    }

    [Fact]
    public async Task OfAVmWithARawDisk_IsRefused()
    {
        await using var store = new StoreFloor();
        string raw = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "web.img"), "raw");
        await store.Floor.DefineAsync(store.Floor.Spec("web", s => s with { Disks = [new() { Target = raw, Vdev = "xvda", Format = "raw" }] }));

        Result<IReadOnlyList<VmSnapshot>> listed = await store.Snapshots.ListAsync("web", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, listed.Error!.Code);
        Assert.StartsWith($"cannot list snapshots of web: disk xvda ({raw}) is raw; snapshots need qcow2", listed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfAVmThatDoesNotExist_IsNotFound()
    {
        await using var store = new StoreFloor();

        Result<VmSnapshot> made = await store.Snapshots.CreateAsync("ghost", "s1", CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, made.Error!.Code);
    }

    [Fact]
    public async Task OfAStoppedVm_IsTakenOnEveryWritableDisk()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.DiskAsync("data");
        await store.VmOnAsync("web", "base", "data");

        VmSnapshot made = (await store.Snapshots.CreateAsync("web", "before-upgrade", CancellationToken.None)).Value;

        Assert.Equal<string>(["xvda", "xvdb"], made.Disks);
        Assert.Equal(0, made.VmStateBytes);
        Assert.Equal("before-upgrade", Assert.Single((await store.Snapshots.ListAsync("web", CancellationToken.None)).Value).Name);
    }

    [Fact]
    public async Task WithANameTaken_IsAConflict()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");
        await store.Snapshots.CreateAsync("web", "s1", CancellationToken.None);

        Result<VmSnapshot> again = await store.Snapshots.CreateAsync("web", "s1", CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, again.Error!.Code);
    }

    [Fact]
    public async Task Revert_ToASnapshotOnSomeDisksOnly_IsRefused()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.DiskAsync("data");
        await store.VmOnAsync("web", "base", "data");
        await store.Img.SnapshotCreateAsync(store.Layout.DiskPath("data", "qcow2"), "half", CancellationToken.None);

        Result<VmSnapshot> reverted = await store.Snapshots.RevertAsync("web", "half", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, reverted.Error!.Code);
        Assert.Equal("snapshot 'half' of web is on disks xvdb only, not on all of its disks; it cannot be used as a whole", reverted.Error!.Message);
    }

    [Fact]
    public async Task Revert_ToASnapshotThatDoesNotExist_IsNotFound()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");

        Result<VmSnapshot> reverted = await store.Snapshots.RevertAsync("web", "never", CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, reverted.Error!.Code);
        Assert.Equal("web has no snapshot named 'never'; `hospes snapshot list web` shows them", reverted.Error!.Message);
    }
}
