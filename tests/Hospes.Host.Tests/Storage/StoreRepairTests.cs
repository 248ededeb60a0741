using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.Tests.Storage;

/// <summary>
/// What a start of hospesd does to the store: what a killed hospesd left half-made goes to lost+found (never deleted),
/// what has its row stays, and a store reached by another path (moved, copied) keeps every disk.
/// </summary>
public sealed class StoreRepairTests
{
    [Fact]
    public async Task PartialFolders_AreMovedToLostAndFound_NotDeleted()
    {
        await using var store = new StoreFloor();
        string import = store.Img.Add(Path.Combine(store.Layout.ImageDir("debian") + StoreLayout.PartialSuffix, "disk.qcow2"));
        string template = Directory.CreateDirectory(store.Layout.TemplateDir("golden") + StoreLayout.PartialSuffix).FullName;

        await RepairAsync(store);

        string kept = KeptPath(store, import);
        Assert.False(File.Exists(import));
        Assert.True(File.Exists(kept), kept);
        Assert.False(Directory.Exists(template));
        Assert.Contains(store.Repair.Repairs, r => r.StartsWith($"moved {Path.GetDirectoryName(import)} to {Path.GetDirectoryName(kept)}: an image whose import or build did not finish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATemplateFolderWithoutItsRow_IsMovedAway_AndATemplateWithItsRowIsKept()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("web", "base");
        await store.Templates.CreateAsync("web", "golden", CancellationToken.None);
        string cutOff = Directory.CreateDirectory(store.Layout.TemplateDir("silver")).FullName;

        await RepairAsync(store);

        Assert.False(Directory.Exists(cutOff));
        Assert.True(Directory.Exists(KeptPath(store, cutOff)));
        Assert.True(File.Exists(Path.Combine(store.Layout.TemplateDir("golden"), "xvda.qcow2")));
        Assert.Equal([$"moved {cutOff} to {KeptPath(store, cutOff)}: a template whose creation did not finish; delete it there once you are sure nothing in it is needed"], store.Repair.Repairs);
    }

    [Fact]
    public async Task AnImageFolderWithoutRowOrManifest_IsMovedAway_AndAnImportedImageIsKept()
    {
        await using var store = new StoreFloor();
        VolumeView imported = await store.ImageAsync("base");
        string cutOff = store.Img.Add(Path.Combine(store.Layout.ImageDir("half"), "disk.qcow2"));
        string boot = Directory.CreateDirectory(store.Layout.ImageDir("tiny")).FullName;
        File.WriteAllText(Path.Combine(boot, "image.json"), "{}");

        await RepairAsync(store);

        Assert.False(Directory.Exists(Path.GetDirectoryName(cutOff)));
        Assert.True(File.Exists(KeptPath(store, cutOff)));
        Assert.True(File.Exists(imported.Volume.Path));
        Assert.True(Directory.Exists(boot));
        Assert.Single(store.Repair.Repairs);
    }

    [Fact]
    public async Task TheFolderOfAVmThatWasNeverDefined_IsMovedAway_AndADefinedVmsIsKept()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        VmActor web = await store.VmOnAsync("web", "base");
        string clone = store.Img.Add(store.Layout.VmDiskPath(Guid.NewGuid(), "xvda"));

        await RepairAsync(store);

        string folder = Path.GetDirectoryName(Path.GetDirectoryName(clone))!;
        Assert.False(File.Exists(clone));
        Assert.True(File.Exists(KeptPath(store, clone)));
        Assert.True(File.Exists(web.Record.Spec.Disks[0].Target));
        Assert.Equal(
            [$"moved {folder} to {KeptPath(store, folder)}: the folder of a VM whose definition did not finish (e.g. a clone cut off); delete it there once you are sure nothing in it is needed"],
            store.Repair.Repairs);
    }

    [Fact]
    public async Task ADiskFileWithoutItsRow_IsMovedToLostAndFound_AndCheckReportsIt()
    {
        await using var store = new StoreFloor();
        VolumeView kept = await store.DiskAsync("data");
        string orphan = store.Img.Add(store.Layout.DiskPath("lost", "qcow2"));

        await RepairAsync(store);
        StoreCheckResult check = (await store.Check.CheckAsync(null, CancellationToken.None)).Value;

        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(KeptPath(store, orphan)));
        Assert.True(File.Exists(kept.Volume.Path));
        Assert.Equal([$"moved {orphan} to {KeptPath(store, orphan)}: a disk file that no volume row and no VM names; delete it there once you are sure nothing in it is needed"], check.Repairs);
        Assert.True(check.Ok);
    }

    [Fact]
    public async Task WhatAnEarlierStartKeptInLostAndFound_IsStillReportedByCheck()
    {
        await using var store = new StoreFloor();
        store.Img.Add(store.Layout.DiskPath("lost", "qcow2"));
        await RepairAsync(store);
        string earlier = store.Repair.LostAndFound.ThisRun!;

        var restarted = new StoreRepair(store.Floor.Volumes, store.Floor.Registry, store.Img);
        await restarted.PrepareAsync(CancellationToken.None);
        await restarted.RunAsync(CancellationToken.None);
        StoreCheckResult check = (await new StoreCheck(store.Floor.Volumes, store.Floor.Registry, store.Img, restarted).CheckAsync(null, CancellationToken.None)).Value;

        Assert.Equal([$"{earlier} holds what an earlier start of hospesd found in the store and could not match; delete it once you are sure nothing in it is needed"], check.Repairs);
    }

    [Fact]
    public async Task AFileAVmNamesInTheStoresFolders_IsKept_EvenWithoutARow()
    {
        await using var store = new StoreFloor();
        string own = store.Img.Add(store.Layout.DiskPath("mine", "raw"), "raw");
        await store.Floor.DefineAsync(store.Floor.Spec("web", s => s with { Disks = [new Core.Vms.DiskSpec { Target = own, Vdev = "xvda", Format = "raw" }] }));

        await RepairAsync(store);

        Assert.True(File.Exists(own));
        Assert.Empty(store.Repair.Repairs);
    }

    [Fact]
    public async Task AStoreWithNothingHalfMade_IsLeftAsItIs()
    {
        await using var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.DiskAsync("data");
        await store.VmOnAsync("web", "base", "data");

        await RepairAsync(store);

        Assert.Empty(store.Repair.Repairs);
        Assert.False(Directory.Exists(store.Repair.LostAndFound.Dir));
        Assert.All(store.Floor.Volumes.All(), v => Assert.True(File.Exists(v.Path), v.Path));
    }

    [Fact]
    public async Task AStateDirMovedElsewhere_KeepsEveryDisk_AndItsOverlaysArePointedAtTheirBasesThere()
    {
        string moved = Directory.CreateTempSubdirectory("ht-moved-").FullName;
        Directory.Delete(moved);
        string old;
        try
        {
            await using (var before = new StoreFloor())
            {
                await before.ImageAsync("base");
                await before.DiskAsync("data1");
                await before.VmOnAsync("web", "base", "data1");
                await before.Templates.CreateAsync("web", "golden", CancellationToken.None);
                old = before.Floor.Options.StateDir;
                SqliteConnection.ClearAllPools();
                Directory.Move(old, moved);
            }

            await using var after = new StoreFloor(moved);
            await RepairAsync(after);

            IReadOnlyList<VolumeRecord> volumes = after.Floor.Volumes.All();
            Assert.Equal(5, volumes.Count);
            Assert.All(volumes, v => Assert.StartsWith(moved + "/", v.Path, StringComparison.Ordinal));
            Assert.All(volumes, v => Assert.True(File.Exists(v.Path), v.Path));
            Assert.All(after.Floor.Vms.All.Single().Record.Spec.Disks, d => Assert.True(File.Exists(d.Target), d.Target));
            Assert.False(Directory.Exists(after.Repair.LostAndFound.Dir));
            var overlays = volumes.Where(v => v.BackingId is not null).ToList();
            Assert.Equal(2, overlays.Count); // web's xvda on base, and golden's copy of it
            Assert.All(overlays, v => Assert.Equal(volumes.Single(b => b.Id == v.BackingId).Path, after.Img.Image(v.Path)?.BackingFile));
            Assert.Equal([$"the state dir was {old}, now {moved}: re-pointed 2 overlay(s) at their backing volumes here"], after.Repair.Repairs);
            Assert.True((await after.Check.CheckAsync(null, CancellationToken.None)).Value.Ok);
        }
        finally
        {
            Directory.Delete(moved, recursive: true);
        }
    }

    // #11: debootstrap killed with hospesd leaves /dev (or /proc, /sys) bound inside the build folder. The repair used to
    // delete that folder recursively, through the mount, emptying the host's folder, then threw at every start.
    [Fact]
    public async Task AKilledImageBuildWithAHostFolderBoundInside_IsUnmountedThenMovedAway_AndTheHostFolderKeepsItsFiles()
    {
        await using var store = new StoreFloor();
        string host = Directory.CreateTempSubdirectory("hospes-hostdev-").FullName;
        File.WriteAllText(Path.Combine(host, "keep"), "host file");
        string build = Path.Combine(store.Layout.ImagesDir, ".debian.build-x1");
        string dev = Directory.CreateDirectory(Path.Combine(build, "target", "dev")).FullName;
        await Hospes.Testing.Run.ToolAsync("mount", "--bind", host, dev);
        try
        {
            await RepairAsync(store);

            Assert.Equal("host file", File.ReadAllText(Path.Combine(host, "keep")));
            Assert.False(Directory.Exists(build));
            Assert.True(Directory.Exists(KeptPath(store, dev)));
            Assert.Empty(Directory.EnumerateFileSystemEntries(KeptPath(store, dev)));
            Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(store.Floor.Options.StateDir, StringComparison.Ordinal));
            Assert.Contains(store.Repair.Repairs, r => r.Contains("the work folder of an image build cut off", StringComparison.Ordinal));
        }
        finally
        {
            foreach (string mounted in (string[])[dev, KeptPathOrNull(store, dev)])
            {
                if (mounted.Length > 0 && File.ReadLines("/proc/self/mountinfo").Any(l => l.Contains($" {mounted} ", StringComparison.Ordinal)))
                {
                    await Hospes.Testing.Run.ProcessAsync("umount", ["-l", mounted]);
                }
            }

            Directory.Delete(host, recursive: true);
        }
    }

    private static string KeptPathOrNull(StoreFloor store, string path) =>
        store.Repair.LostAndFound.ThisRun is null ? "" : KeptPath(store, path);

    /// <summary>A start of hospesd: before the VMs are loaded, then after.</summary>
    private static async Task RepairAsync(StoreFloor store)
    {
        await store.Repair.PrepareAsync(CancellationToken.None);
        if (store.Floor.Vms.All.Count == 0)
        {
            store.Floor.Vms.Load();
        }

        await store.Repair.RunAsync(CancellationToken.None);
    }

    /// <summary>Where this start's repair put <paramref name="path"/>: lost+found/TIME/ and its path in the state dir.</summary>
    private static string KeptPath(StoreFloor store, string path) =>
        Path.Combine(store.Repair.LostAndFound.ThisRun!, Path.GetRelativePath(store.Floor.Options.StateDir, path));
}
