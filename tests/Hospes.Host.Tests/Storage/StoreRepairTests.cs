using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Storage;

/// <summary>What a start of hospesd removes from the store (what a killed hospesd left half-made) and what it keeps.</summary>
public sealed class StoreRepairTests
{
    [Fact]
    public async Task PartialFolders_AreRemoved()
    {
        await using var store = new StoreFloor();
        string import = Directory.CreateDirectory(store.Layout.ImageDir("debian") + StoreLayout.PartialSuffix).FullName;
        string template = Directory.CreateDirectory(store.Layout.TemplateDir("golden") + StoreLayout.PartialSuffix).FullName;

        store.Repair.Run();

        Assert.False(Directory.Exists(import));
        Assert.False(Directory.Exists(template));
        Assert.Contains($"removed {import}: a folder left half-made", store.Repair.Repairs);
    }

    [Fact]
    public async Task ATemplateFolderWithoutItsRow_IsRemoved_AndATemplateWithItsRowIsKept()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");
        await store.Templates.CreateAsync("web", "golden", CancellationToken.None);
        string cutOff = Directory.CreateDirectory(store.Layout.TemplateDir("silver")).FullName;

        store.Repair.Run();

        Assert.False(Directory.Exists(cutOff));
        Assert.True(File.Exists(Path.Combine(store.Layout.TemplateDir("golden"), "xvda.qcow2")));
        Assert.Equal([$"removed {cutOff}: a template whose creation did not finish"], store.Repair.Repairs);
    }

    [Fact]
    public async Task AnImageFolderWithoutRowOrManifest_IsRemoved_AndAnImportedImageIsKept()
    {
        await using var store = new StoreFloor();
        VolumeView imported = await store.ImageAsync("base");
        string cutOff = store.Img.Add(Path.Combine(store.Layout.ImageDir("half"), "disk.qcow2"));
        string boot = Directory.CreateDirectory(store.Layout.ImageDir("tiny")).FullName;
        File.WriteAllText(Path.Combine(boot, "image.json"), "{}");

        store.Repair.Run();

        Assert.False(Directory.Exists(Path.GetDirectoryName(cutOff)));
        Assert.True(File.Exists(imported.Volume.Path));
        Assert.True(Directory.Exists(boot));
        Assert.Single(store.Repair.Repairs);
    }

    [Fact]
    public async Task TheFolderOfAVmThatWasNeverDefined_IsRemoved_AndADefinedVmsIsKept()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        VmActor web = await store.VmOnAsync("web", "base");
        string clone = store.Img.Add(store.Layout.VmDiskPath(Guid.NewGuid(), "xvda"));

        store.Repair.Run();

        Assert.False(File.Exists(clone));
        Assert.True(File.Exists(web.Record.Spec.Disks[0].Target));
        Assert.Equal(
            [$"removed {Path.GetDirectoryName(Path.GetDirectoryName(clone))}: the folder of a VM whose definition did not finish (e.g. a clone cut off)"],
            store.Repair.Repairs);
    }

    [Fact]
    public async Task ADiskFileWithoutItsRow_IsRemoved_AndCheckReportsTheRepair()
    {
        await using var store = new StoreFloor();
        VolumeView kept = await store.DiskAsync("data");
        string orphan = store.Img.Add(store.Layout.DiskPath("lost", "qcow2"));

        store.Repair.Run();
        StoreCheckResult check = (await store.Check.CheckAsync(null, CancellationToken.None)).Value;

        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(kept.Volume.Path));
        Assert.Equal([$"removed {orphan}: a disk file without its row"], check.Repairs);
        Assert.True(check.Ok);
    }

    [Fact]
    public async Task AStoreWithNothingHalfMade_IsLeftAsItIs()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.DiskAsync("data");
        await store.VmOnAsync("web", "base", "data");

        store.Repair.Run();

        Assert.Empty(store.Repair.Repairs);
        Assert.All(store.Floor.Volumes.All(), v => Assert.True(File.Exists(v.Path), v.Path));
    }
}
