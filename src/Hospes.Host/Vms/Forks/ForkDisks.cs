using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// One writable disk at a fork point: the volume at <paramref name="Path"/> (row <paramref name="VolumeId"/>, backed by
/// <paramref name="OldBackingId"/>) is moved to <paramref name="Base"/>, a read-only fork base, and a new overlay on it
/// takes its place; each fork gets an overlay of its own on the same base.
/// </summary>
internal sealed record ForkDisk(string Vdev, string Path, string Base, long VolumeId, long? OldBackingId);

/// <summary>
/// The disks of a fork point (issue 16). The parent's QEMU has quit at the fork point, so every step is offline: each
/// writable disk's file becomes a read-only base (a rename: the same blocks), a fresh qcow2 overlay on it takes the
/// file's place (the parent continues on it) and each fork gets an overlay of its own. The base is a volume row
/// (<see cref="VolumeKind.ForkBase"/>) that the overlays name as their backing; <see cref="Sweep"/> deletes a base that
/// no volume stands on any more.
/// </summary>
internal sealed class ForkDisks(VolumeStore store, IQemuImg img)
{
    private readonly ConcurrentDictionary<Guid, int> _held = new();
    private readonly Lock _sweep = new();

    /// <summary>
    /// The writable disks of <paramref name="r"/> and where each one's base goes; refused (naming the disk and the fix)
    /// when one is not a qcow2 volume of the store that this VM owns or has attached.
    /// </summary>
    public Result<IReadOnlyList<ForkDisk>> Plan(VmRecord r, Guid forkId)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        var plan = new List<ForkDisk>();
        foreach (DiskSpec d in r.Spec.Disks.Where(StoreVms.IsWritableDisk))
        {
            VolumeRecord? v = all.FirstOrDefault(x => x.Path == d.Target && x.Vm == r.Uuid && x.Kind is VolumeKind.VmDisk or VolumeKind.Disk);
            if (v is null || v.Format != "qcow2" || d.Format != "qcow2")
            {
                return HospesError.Invalid($"cannot fork {r.Name}: its writable disk {d.Vdev} ({d.Target}) is {(v is null ? "not a volume of the Hospes store" : $"in {d.Format} format")}; a fork point turns each writable disk into a read-only base under qcow2 overlays, so give {r.Name} store disks in qcow2 (`hospes disk create NAME --size S` and 'image:NAME,qcow2,{d.Vdev},w', or an image's overlay) or make the disk read-only (mode 'r'); nothing was forked");
            }

            plan.Add(new ForkDisk(d.Vdev, v.Path, System.IO.Path.Combine(store.Layout.ForkBaseDir(forkId), $"{d.Vdev}.qcow2"), v.Id, v.BackingId));
        }

        return plan;
    }

    /// <summary>
    /// The writable disks of a VM frozen at a fork point: each is an overlay on that fork point's base, on which its
    /// forks get overlays of their own (nothing is split again).
    /// </summary>
    public Result<IReadOnlyList<ForkDisk>> FrozenPlan(VmRecord r)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        var plan = new List<ForkDisk>();
        foreach (DiskSpec d in r.Spec.Disks.Where(StoreVms.IsWritableDisk))
        {
            VolumeRecord? v = all.FirstOrDefault(x => x.Path == d.Target && x.Vm == r.Uuid);
            VolumeRecord? b = v?.BackingId is { } id ? all.FirstOrDefault(x => x.Id == id && x.Kind == VolumeKind.ForkBase) : null;
            if (v is null || b is null)
            {
                return HospesError.State($"cannot fork {r.Name}: its writable disk {d.Vdev} ({d.Target}) is not an overlay on its fork point's base, so its forks would not see the disk as it was at the fork point; `hospes start {r.Name}` continues it, then fork it anew");
            }

            plan.Add(new ForkDisk(d.Vdev, v.Path, b.Path, v.Id, b.BackingId));
        }

        return plan;
    }

    /// <summary>The fork's spec for its disks: its own overlay for each writable disk (made by <see cref="MakeChildDisksAsync"/>), the rest shared.</summary>
    public VmSpec ChildDisks(VmSpec child, IReadOnlyList<ForkDisk> plan) => child with
    {
        Disks = [.. child.Disks.Select(d => plan.Any(p => p.Vdev == d.Vdev) && StoreVms.IsWritableDisk(d)
            ? d with { Target = store.Layout.VmDiskPath(child.Uuid, d.Vdev), Format = "qcow2", Source = null }
            : d)],
    };

    /// <summary>Keeps a fork's bases from the sweep while the fork is under way.</summary>
    public IDisposable Hold(Guid forkId)
    {
        _held.AddOrUpdate(forkId, 1, (_, n) => n + 1);
        return new Held(this, forkId);
    }

    /// <summary>
    /// At the fork point, the parent's QEMU gone: each disk becomes a base with a new overlay in its place, and the rows
    /// say so (one transaction, last). On a failure everything done is undone: the disks are as they were.
    /// </summary>
    public async Task<Result<bool>> SplitAsync(string vmName, Guid forkId, IReadOnlyList<ForkDisk> plan, CancellationToken ct)
    {
        if (plan.Count == 0)
        {
            return true;
        }

        try
        {
            Directory.CreateDirectory(store.Layout.ForkBaseDir(forkId));
            foreach (ForkDisk d in plan)
            {
                UnixFileMode mode = File.GetUnixFileMode(d.Path);
                File.Move(d.Path, d.Base);
                StoreFiles.MakeReadOnly(d.Base);
                // A kill halfway leaves a partial file here, which the undo overwrites with the base (no rows yet).
                Result<bool> made = await img.CreateOverlayAsync(d.Path, d.Base, "qcow2", ct).ConfigureAwait(false);
                if (!made.IsOk)
                {
                    throw new IOException(made.Error.Message);
                }

                File.SetUnixFileMode(d.Path, mode);
            }

            IReadOnlyList<VolumeRecord> all = store.All();
            store.Db.InTransaction(tx =>
            {
                foreach (ForkDisk d in plan)
                {
                    VolumeRecord own = all.First(v => v.Id == d.VolumeId);
                    VolumeRecord b = tx.TryInsertVolume(new VolumeRecord
                    {
                        Kind = VolumeKind.ForkBase,
                        Name = $"fork-{forkId:N}/{d.Vdev}",
                        Path = d.Base,
                        Format = "qcow2",
                        VirtualSize = own.VirtualSize,
                        BackingId = d.OldBackingId,
                        Project = own.Project,
                        CreatedAt = store.Time.GetUtcNow(),
                    }) ?? throw new HospesException(HospesError.Conflict($"the state DB already holds a volume at {d.Base}"));
                    tx.SetVolumeBacking(own.Id, b.Id);
                }
            });
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HospesException)
        {
            Undo(plan);
            return HospesError.Unavailable($"cannot fork {vmName}: making its disks' fork-point bases failed: {e.Message}; its disks are as they were");
        }
    }

    /// <summary>Each writable disk of a fork: a new overlay on the fork point's base, and its row.</summary>
    public async Task<Result<bool>> MakeChildDisksAsync(VmRecord child, IReadOnlyList<ForkDisk> plan, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        var rows = new List<VolumeRecord>();
        foreach (ForkDisk d in plan)
        {
            VolumeRecord? b = all.FirstOrDefault(v => v.Path == d.Base && v.Kind == VolumeKind.ForkBase);
            string path = store.Layout.VmDiskPath(child.Uuid, d.Vdev);
            if (b is null)
            {
                return new HospesError(ErrorCode.Internal, $"the fork point's base of disk {d.Vdev} ({d.Base}) has no volume row");
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            Result<bool> made = await img.CreateOverlayAsync(path, d.Base, "qcow2", ct).ConfigureAwait(false);
            if (!made.IsOk)
            {
                return HospesError.Unavailable($"disk {d.Vdev}: {made.Error.Message}");
            }

            rows.Add(new VolumeRecord
            {
                Kind = VolumeKind.VmDisk,
                Name = $"{child.Spec.Name}/{d.Vdev}",
                Path = path,
                Format = "qcow2",
                VirtualSize = b.VirtualSize,
                BackingId = b.Id,
                Vm = child.Uuid,
                CreatedAt = store.Time.GetUtcNow(),
            });
        }

        store.Db.InTransaction(tx =>
        {
            foreach (VolumeRecord row in rows)
            {
                _ = tx.TryInsertVolume(row) ?? throw new HospesException(HospesError.Conflict($"the state DB already holds a volume at {row.Path}"));
            }
        });
        return true;
    }

    /// <summary>
    /// After a kill: a split that did not reach its rows is undone (each disk's file back in its place, as it was at the
    /// fork point, which is also what the fork point's state expects); a split whose rows landed stays.
    /// </summary>
    /// <returns>Whether the split was undone (the disks are as before the fork point, not overlays on its bases).</returns>
    public bool Settle(IReadOnlyList<ForkDisk> plan)
    {
        if (plan.Count == 0)
        {
            return false;
        }

        IReadOnlyList<VolumeRecord> all = store.All();
        if (plan.All(d => all.Any(v => v.Path == d.Base && v.Kind == VolumeKind.ForkBase)))
        {
            return false;
        }

        Undo(plan);
        return true;
    }

    /// <summary>Deletes each fork base no volume stands on and no fork under way holds; their paths.</summary>
    public IReadOnlyList<string> Sweep()
    {
        // One at a time (the loop, a fork and a delete all sweep): two would both delete the same base and its folder.
        lock (_sweep)
        {
            return SweepOnce();
        }
    }

    private List<string> SweepOnce()
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        var gone = all.Where(v => v.Kind == VolumeKind.ForkBase && !all.Any(x => x.BackingId == v.Id) && !HeldBase(v.Path)).ToList();
        if (gone.Count == 0)
        {
            return [];
        }

        store.Db.InTransaction(tx =>
        {
            foreach (VolumeRecord v in gone)
            {
                tx.DeleteVolume(v.Id);
            }
        });
        foreach (VolumeRecord v in gone)
        {
            StoreFiles.DeleteQuietly(v.Path);
            DeleteIfEmpty(System.IO.Path.GetDirectoryName(v.Path)!);
        }

        return [.. gone.Select(v => v.Path)];
    }

    /// <summary>Each disk back as it was: its file in its place (the base moved back), no base row, its old backing.</summary>
    private void Undo(IReadOnlyList<ForkDisk> plan)
    {
        foreach (ForkDisk d in plan)
        {
            if (File.Exists(d.Base))
            {
                File.SetUnixFileMode(d.Base, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.Move(d.Base, d.Path, overwrite: true);
            }
        }

        IReadOnlyList<VolumeRecord> all = store.All();
        store.Db.InTransaction(tx =>
        {
            foreach (ForkDisk d in plan)
            {
                if (all.FirstOrDefault(v => v.Path == d.Base && v.Kind == VolumeKind.ForkBase) is { } b)
                {
                    tx.DeleteVolume(b.Id);
                }

                if (all.FirstOrDefault(v => v.Id == d.VolumeId) is { } own && own.BackingId != d.OldBackingId)
                {
                    tx.SetVolumeBacking(own.Id, d.OldBackingId);
                }
            }
        });
        foreach (string dir in plan.Select(d => System.IO.Path.GetDirectoryName(d.Base)!).Distinct(StringComparer.Ordinal))
        {
            DeleteIfEmpty(dir);
        }
    }

    /// <summary>A fork point's folder once its last base went (a folder that is gone already or not empty stays as it is).</summary>
    private static void DeleteIfEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private bool HeldBase(string path) =>
        Guid.TryParseExact(System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path)), "N", out Guid id) && _held.ContainsKey(id);

    private sealed class Held(ForkDisks disks, Guid id) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                disks._held.AddOrUpdate(id, 0, (_, n) => n - 1);
                disks._held.TryRemove(new KeyValuePair<Guid, int>(id, 0));
            }
        }
    }
}
