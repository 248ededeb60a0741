using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Storage;

/// <summary>`hospes template`: read-only copies of a stopped VM's disks, never of one whose disks are in use.</summary>
public sealed class TemplateServiceTests
{
    [Fact]
    public async Task Create_OfARunningVm_IsRefused_AndCopiesNothing()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        VmActor web = await store.VmOnAsync("web", "base");
        Assert.True((await web.RunAsync(store.Floor.Commands.Start())).IsOk);

        Result<TemplateView> made = await store.Templates.CreateAsync("web", "golden", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, made.Error!.Code);
        Assert.Equal("cannot make a template of web (running): its disks are in use; shut it down first (`hospes shutdown web`)", made.Error!.Message);
        Assert.False(Directory.Exists(store.Layout.TemplateDir("golden")));
        Assert.Empty(store.Floor.Volumes.Templates());
    }

    [Fact]
    public async Task Create_OfAStoppedVm_SealsItsDisks_AndKeepsTheirBacking()
    {
        await using var store = new StoreFloor();
        VolumeView image = await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");

        TemplateView made = (await store.Templates.CreateAsync("web", "golden", CancellationToken.None)).Value;

        VolumeView disk = Assert.Single(made.Disks);
        Assert.Equal(Path.Combine(store.Layout.TemplateDir("golden"), "xvda.qcow2"), disk.Volume.Path);
        Assert.Equal(image.Volume.Id, disk.Backing?.Id);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(disk.Volume.Path));
        Assert.Equal(disk.Volume.Path, Assert.Single(made.Template.Spec.Disks).Target);
        Assert.Equal("web", made.Template.SourceVm);
        Assert.False(Directory.Exists(store.Layout.TemplateDir("golden") + StoreLayout.PartialSuffix));
    }

    [Fact]
    public async Task Create_WhoseCopyFails_LeavesNoFolderAndNoRow()
    {
        await using var store = new StoreFloor();
        string plain = store.Img.Add(Path.Combine(store.Floor.Options.StateDir, "plain.qcow2"));
        await store.Floor.DefineAsync(store.Floor.Spec("web", s => s with { Disks = [new() { Target = plain, Vdev = "xvda", Format = "qcow2" }] }));
        store.Img.FailCreate(1);

        Result<TemplateView> made = await store.Templates.CreateAsync("web", "golden", CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, made.Error!.Code);
        Assert.StartsWith("cannot make template golden from disk xvda", made.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.TemplatesDir));
        Assert.DoesNotContain(store.Floor.Volumes.All(), v => v.Kind == VolumeKind.Template);
    }

    [Fact]
    public async Task Delete_OfATemplateWithLinkedClones_IsRefused()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");
        await store.Templates.CreateAsync("web", "golden", CancellationToken.None);
        await store.Floor.DefineAsync(store.Floor.Spec("clone1", s => s with { Disks = [new() { Target = Path.Combine(store.Layout.TemplateDir("golden"), "xvda.qcow2"), Vdev = "xvda", Format = "qcow2" }] }));

        Result<TemplateView> deleted = await store.Templates.DeleteAsync("golden", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, deleted.Error!.Code);
        Assert.StartsWith("cannot delete template golden: 1 VM(s) are linked clones of it: clone1;", deleted.Error!.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(store.Layout.TemplateDir("golden")));
    }

    [Fact]
    public async Task Create_UnderANameEndingInPartial_IsRefused()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");

        Result<TemplateView> made = await store.Templates.CreateAsync("web", "golden.partial", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, made.Error!.Code);
        Assert.False(Directory.Exists(store.Layout.TemplateDir("golden.partial")));
    }
}
