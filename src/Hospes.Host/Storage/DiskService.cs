using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Units;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

/// <summary>`hospes disk`: every volume of the store listed and shown; standalone disks made, grown and deleted.</summary>
internal sealed class DiskService(VolumeStore store, IVmDirectory vms, IQemuImg img)
{
    public IReadOnlyList<VolumeView> List()
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        return [.. all.Select(v => VolumeView.Of(v, all, vms))];
    }

    /// <summary>Finds a volume by name: a disk, an image, "TEMPLATE/vdev" or "VM/vdev".</summary>
    public Result<VolumeView> Get(string name)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        Result<VolumeRecord> v = VolumeStore.Resolve(name, all);
        return v.IsOk ? VolumeView.Of(v.Value, all, vms) : v.Error;
    }

    public async Task<Result<VolumeView>> CreateAsync(string name, long sizeBytes, string format, CancellationToken ct, string project = StateDb.DefaultProject)
    {
        Result<string> valid = VolumeStore.ValidName(name, "disk");
        if (!valid.IsOk)
        {
            return valid.Error;
        }

        if (format is not ("qcow2" or "raw"))
        {
            return HospesError.Invalid($"disk format '{format}' is not supported; use qcow2 (the default) or raw");
        }

        if (sizeBytes <= 0)
        {
            return HospesError.Invalid($"disk {name}: give a size above zero, e.g. --size 8G");
        }

        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (store.Find(VolumeKind.Disk, name) is { } clash)
            {
                return HospesError.Conflict($"a disk named '{name}' already exists ({clash.Path}); choose another name or `hospes disk delete {name}`");
            }

            string path = store.Layout.DiskPath(name, format);
            await using var revert = new Reverter();
            if (File.Exists(path))
            {
                return HospesError.Conflict($"{path} exists but the store does not know it; move it away, or import it with `hospes image import {path} --name NAME`");
            }

            revert.Add(() => StoreFiles.DeleteQuietly(path));
            Result<bool> made = await img.CreateAsync(path, format, sizeBytes, ct).ConfigureAwait(false);
            if (!made.IsOk)
            {
                return made.Error;
            }

            VolumeRecord? row = store.Db.InTransaction(t => t.TryInsertVolume(new VolumeRecord
            {
                Kind = VolumeKind.Disk,
                Name = name,
                Path = path,
                Format = format,
                VirtualSize = sizeBytes,
                CreatedAt = store.Time.GetUtcNow(),
                Project = project,
            }));
            if (row is null)
            {
                return HospesError.Conflict($"the state DB already holds a volume at {path} or named '{name}'");
            }

            revert.Commit();
            return VolumeView.Of(row, store.All(), vms);
        }
        finally
        {
            store.Gate.Release();
        }
    }

    public async Task<Result<VolumeView>> ResizeAsync(string name, long sizeBytes, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        Result<VolumeRecord> found = VolumeStore.Resolve(name, all);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VolumeRecord v = found.Value;
        if (v.Kind is VolumeKind.Image or VolumeKind.Template)
        {
            return HospesError.State($"{VolumeStore.Handle(v)} is a read-only base; resize the disks of the VMs made from it instead");
        }

        if (vms.RunningOn(v.Path) is { } user)
        {
            return HospesError.State($"disk {name} is in use by VM {user.Record.Name} ({user.Record.State.ToString().ToLowerInvariant()}); shut it down first (`hospes shutdown {user.Record.Name}`)");
        }

        if (sizeBytes < v.VirtualSize)
        {
            return HospesError.Invalid($"disk {name} is {ByteSize.Format(v.VirtualSize)}; shrinking to {ByteSize.Format(sizeBytes)} would cut off the guest's data; give a larger size");
        }

        Result<bool> resized = await img.ResizeAsync(v.Path, v.Format, sizeBytes, ct).ConfigureAwait(false);
        if (!resized.IsOk)
        {
            return resized.Error;
        }

        VolumeRecord updated = v with { VirtualSize = sizeBytes };
        store.Db.InTransaction(t => t.UpdateVolume(updated));
        return VolumeView.Of(updated, store.All(), vms);
    }

    /// <summary>Deletes a standalone disk no VM has attached and no overlay stands on; answers it as it was.</summary>
    public async Task<Result<VolumeView>> DeleteAsync(string name, CancellationToken ct)
    {
        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<VolumeRecord> all = store.All();
            VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Disk && x.Name == name);
            if (v is null)
            {
                return HospesError.NotFound($"no disk named '{name}'; `hospes disk list` shows them (images are removed with `hospes image`, templates with `hospes template delete`, a VM's own disks with the VM)");
            }

            if (v.Vm is { } vm)
            {
                return HospesError.State($"disk {name} is attached to VM {vms.NameOf(vm)}; delete that VM or remove the disk from its config first");
            }

            if (all.Any(x => x.BackingId == v.Id))
            {
                return HospesError.State($"disk {name} backs other volumes; delete those first");
            }

            VolumeView view = VolumeView.Of(v, all, vms);
            store.Db.InTransaction(t => t.DeleteVolume(v.Id));
            StoreFiles.DeleteQuietly(v.Path);
            return view;
        }
        finally
        {
            store.Gate.Release();
        }
    }
}
