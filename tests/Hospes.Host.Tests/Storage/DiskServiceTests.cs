using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Storage;

/// <summary>`hospes disk`: standalone disks made, grown and deleted, never from under a VM.</summary>
public sealed class DiskServiceTests
{
    [Fact]
    public async Task Create_MakesTheFileAndItsRow()
    {
        await using var store = new StoreFloor();

        VolumeView made = (await store.Disks.CreateAsync("data", 8L << 30, "qcow2", CancellationToken.None)).Value;

        Assert.Equal(store.Layout.DiskPath("data", "qcow2"), made.Volume.Path);
        Assert.True(File.Exists(made.Volume.Path));
        Assert.Equal(8L << 30, store.Img.Image(made.Volume.Path)!.VirtualSize);
        Assert.Equal(VolumeKind.Disk, Assert.Single(store.Floor.Volumes.All()).Kind);
    }

    [Fact]
    public async Task Create_ThatQemuImgFails_LeavesNoFileAndNoRow()
    {
        await using var store = new StoreFloor();
        store.Img.FailCreate(1);

        Result<VolumeView> made = await store.Disks.CreateAsync("data", 8L << 30, "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, made.Error!.Code);
        Assert.False(File.Exists(store.Layout.DiskPath("data", "qcow2")));
        Assert.Empty(store.Floor.Volumes.All());
    }

    [Fact]
    public async Task Create_WithANameTaken_IsAConflict()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");

        Result<VolumeView> again = await store.Disks.CreateAsync("data", 1L << 30, "raw", CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, again.Error!.Code);
        Assert.StartsWith("a disk named 'data' already exists", again.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_OfADiskAttachedToAVm_IsRefused_AndKeepsIt()
    {
        await using var store = new StoreFloor();
        VolumeView disk = await store.DiskAsync("data");
        await store.VmOnAsync("web", "data");

        Result<VolumeView> deleted = await store.Disks.DeleteAsync("data", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, deleted.Error!.Code);
        Assert.Equal("disk data is attached to VM web; delete that VM or remove the disk from its config first", deleted.Error!.Message);
        Assert.True(File.Exists(disk.Volume.Path));
        Assert.NotNull(store.Floor.Volumes.Find(VolumeKind.Disk, "data"));
    }

    [Fact]
    public async Task Delete_OfAFreeDisk_RemovesFileAndRow_AndAnswersItAsItWas()
    {
        await using var store = new StoreFloor();
        VolumeView disk = await store.DiskAsync("data");

        VolumeView deleted = (await store.Disks.DeleteAsync("data", CancellationToken.None)).Value;

        Assert.False(File.Exists(disk.Volume.Path));
        Assert.Empty(store.Floor.Volumes.All());
        Assert.NotNull(deleted.ActualSize);
    }

    [Fact]
    public async Task Resize_OfADiskARunningVmUses_IsRefused()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");
        VmActor web = await store.VmOnAsync("web", "data");
        Assert.True((await web.RunAsync(store.Floor.Commands.Start())).IsOk);

        Result<VolumeView> resized = await store.Disks.ResizeAsync("data", 2L << 30, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, resized.Error!.Code);
        Assert.Equal("disk data is in use by VM web (running); shut it down first (`hospes shutdown web`)", resized.Error!.Message);
        Assert.DoesNotContain(store.Img.Calls, c => c.StartsWith("resize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resize_ThatWouldShrink_IsRefused()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");

        Result<VolumeView> resized = await store.Disks.ResizeAsync("data", 1L << 20, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, resized.Error!.Code);
        Assert.Contains("would cut off the guest's data", resized.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnderANameEndingInPartial_IsRefused_ForHospesKeepsThoseForWhatItIsMaking()
    {
        await using var store = new StoreFloor();

        Result<VolumeView> made = await store.Disks.CreateAsync("data.partial", 1L << 30, "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, made.Error!.Code);
        Assert.Equal("disk name 'data.partial' is not valid: names ending in '.partial' are kept for what Hospes is still making; choose another name", made.Error!.Message);
        Assert.Empty(store.Floor.Volumes.All());
    }

    [Fact]
    public async Task WorkOnTheDisksOfAVm_NamesTheirRecordedFormat_AndNeverProbesIt()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.DiskAsync("data");
        await store.VmOnAsync("web", "base", "data");
        int imports = store.Img.Probes.Count;

        Assert.True((await store.Disks.ResizeAsync("data", 2L << 30, CancellationToken.None)).IsOk);
        Assert.True((await store.Snapshots.CreateAsync("web", "before", CancellationToken.None)).IsOk);
        Assert.True((await store.Snapshots.ListAsync("web", CancellationToken.None)).IsOk);
        Assert.True((await store.Check.CheckAsync(null, CancellationToken.None)).IsOk);
        Assert.True((await store.Templates.CreateAsync("web", "golden", CancellationToken.None)).IsOk);

        Assert.Equal(imports, store.Img.Probes.Count);
    }
}
