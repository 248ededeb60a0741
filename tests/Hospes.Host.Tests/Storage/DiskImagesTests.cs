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

    [Fact]
    public async Task Import_OfAnOverlayOnAHostFile_IsRefusedNamingIt_AndNothingIsCopied()
    {
        await using var store = new StoreFloor();
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "evil.qcow2"));
        store.Img.Change(source, i => i with { BackingFile = "/etc/shadow", BackingFormat = "raw" });

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "evil", null, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.StartsWith($"cannot import {source}: it is an overlay on /etc/shadow, which is not one of the store's images", imported.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(store.Img.Calls, c => c.StartsWith("convert", StringComparison.Ordinal) || c.StartsWith("check", StringComparison.Ordinal));
        Assert.Empty(store.Floor.Volumes.All());
    }

    [Fact]
    public async Task Import_OfAnOverlayOnOneOfTheStoresImages_IsFlattenedIntoANewImage()
    {
        await using var store = new StoreFloor();
        VolumeView base_ = await store.ImageAsync("base");
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "delta.qcow2"));
        store.Img.Change(source, i => i with { BackingFile = base_.Volume.Path, BackingFormat = "qcow2" });

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "delta", "qcow2", CancellationToken.None);

        Assert.True(imported.IsOk, imported.Error?.Message);
        Assert.Null(imported.Value.Backing);
    }

    [Fact]
    public async Task Import_OfAnOverlayOnAnotherVmsOwnDisk_IsRefused()
    {
        await using var store = new StoreFloor();
        VolumeView data = await store.DiskAsync("data");
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "peek.qcow2"));
        store.Img.Change(source, i => i with { BackingFile = data.Volume.Path, BackingFormat = "qcow2" });

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "peek", "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.Contains("which is not one of the store's images", imported.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OfAQcow2WithAnExternalDataFile_IsRefused()
    {
        await using var store = new StoreFloor();
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "split.qcow2"));
        store.Img.Change(source, i => i with { DataFile = "/dev/sda" });

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "split", "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.Contains("external data file (/dev/sda)", imported.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(store.Img.Calls, c => c.StartsWith("convert", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_OfAVmdkWithAnExtentInAnotherFile_IsRefused()
    {
        await using var store = new StoreFloor();
        string source = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "two.vmdk"), "vmdk");
        store.Img.Change(source, i => i with { Extents = [source, "/root/.ssh/id_ed25519"] });
        await File.WriteAllTextAsync(source, "KDMV: a sparse extent, as the fake writes it");

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "two", "vmdk", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.Contains("the extent /root/.ssh/id_ed25519", imported.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OfAVmdkDescriptorNamingAHostFile_IsRefusedBeforeQemuImgOpensIt()
    {
        await using var store = new StoreFloor();
        string source = Path.Combine(store.Floor.Options.StateDir, "desc.vmdk");
        await File.WriteAllTextAsync(source, "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"/etc/shadow\" 0\n");

        Result<VolumeView> imported = await store.Images.ImportAsync(source, "desc", null, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, imported.Error!.Code);
        Assert.Contains("it is a VMDK descriptor", imported.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(store.Img.Calls);
    }

    [Fact]
    public async Task Import_WithItsFormatGiven_NeverProbes_AndWithoutOneProbesOnlyTheSource()
    {
        await using var store = new StoreFloor();
        string given = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "a.qcow2"));
        string found = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "b.qcow2"));

        Assert.True((await store.Images.ImportAsync(given, "a", "qcow2", CancellationToken.None)).IsOk);
        Assert.Empty(store.Img.Probes);
        Assert.True((await store.Images.ImportAsync(found, "b", null, CancellationToken.None)).IsOk);

        Assert.Equal([found], store.Img.Probes);
    }
}
