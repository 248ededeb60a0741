using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Tests.Storage;

/// <summary>`hospes image import` and `hospes image delete`: what comes into the store sealed, what is refused, what stays.</summary>
public sealed class DiskImagesTests
{
    [Fact]
    public async Task Import_ConvertsIntoASealedImageWithItsChecksum()
    {
        await using var store = new StoreFloor();

        VolumeView image = await store.ImageAsync("base");

        Assert.Equal(Path.Combine(store.Layout.ImageDir("base"), "disk.qcow2"), image.Volume.Path);
        Assert.Equal(VolumeKind.Image, image.Volume.Kind);
        Assert.Equal(64, image.Volume.Checksum?.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(image.Volume.Path));
        Assert.False(Directory.Exists(store.Layout.ImageDir("base") + StoreLayout.PartialSuffix));
    }

    [Fact]
    public async Task Import_OfACorruptSource_IsRefused_BeforeAnythingIsMade()
    {
        await using var store = new StoreFloor();
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "broken.qcow2"));
        store.Img.Change(source, i => i with { Corrupt = true });

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "broken", null, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.Contains("the qcow2 image is corrupt (1 corruption)", imported.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(store.Img.Calls, c => c.StartsWith("convert", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_OfAFileNamedVmdkThatReadsAsRaw_IsRefused()
    {
        await using var store = new StoreFloor();
        string source = Path.Combine(store.Floor.Options.StateDir, "disk.vmdk");
        await File.WriteAllTextAsync(source, "not a vmdk");

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "vm", null, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.StartsWith($"cannot import {source}: it is named .vmdk but qemu-img does not recognise it as vmdk", imported.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WhoseConvertFails_LeavesNoFolderAndNoRow()
    {
        await using var store = new StoreFloor();
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "base.qcow2"));
        store.Img.FailCreate(1);

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "base", null, CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, imported.Error!.Code);
        Assert.False(Directory.Exists(store.Layout.ImageDir("base")));
        Assert.False(Directory.Exists(store.Layout.ImageDir("base") + StoreLayout.PartialSuffix));
        Assert.Empty(store.Floor.Volumes.All());
    }

    [Fact]
    public async Task Delete_OfAnImageAVmStandsOn_IsRefused()
    {
        await using var store = new StoreFloor();
        VolumeView image = await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");

        Result<VolumeView> deleted = await store.Images.DeleteAsync("base", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, deleted.Error!.Code);
        Assert.Equal("cannot delete image base: VM web depend(s) on it; delete those first", deleted.Error!.Message);
        Assert.True(File.Exists(image.Volume.Path));
    }

    [Fact]
    public async Task Delete_OfAnImageNothingUses_RemovesItsFolder()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");

        Assert.True((await store.Images.DeleteAsync("base", CancellationToken.None)).IsOk);

        Assert.False(Directory.Exists(store.Layout.ImageDir("base")));
        Assert.Empty(store.Floor.Volumes.All());
    }

    [Fact]
    public async Task Import_UnderANameEndingInPartial_IsRefused()
    {
        await using var store = new StoreFloor();
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "golden.qcow2"));

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "golden.partial", "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.Contains("names ending in '.partial' are kept for what Hospes is still making", imported.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(store.Floor.Volumes.All());
    }
}
