using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Units;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

internal sealed partial class StoreService
{
    public IReadOnlyList<VolumeInfo> ListVolumes()
    {
        IReadOnlyList<VolumeRecord> all = _store.All();
        return [.. all.Select(v => Info(v, all))];
    }

    /// <summary>Finds a volume by name: a disk, an image, "TEMPLATE/vdev" or "VM/vdev".</summary>
    public Result<VolumeInfo> GetVolume(string name)
    {
        IReadOnlyList<VolumeRecord> all = _store.All();
        Result<VolumeRecord> v = Resolve(name, all);
        return v.IsOk ? Info(v.Value, all) : v.Error;
    }

    public async Task<Result<VolumeInfo>> CreateDiskAsync(DiskCreateRequest request, CancellationToken ct)
    {
        Result<string> name = ValidName(request.Name, "disk");
        if (!name.IsOk)
        {
            return name.Error;
        }

        if (request.Format is not ("qcow2" or "raw"))
        {
            return HospesError.Invalid($"disk format '{request.Format}' is not supported; use qcow2 (the default) or raw");
        }

        if (request.SizeBytes <= 0)
        {
            return HospesError.Invalid($"disk {request.Name}: give a size above zero, e.g. --size 8G");
        }

        await _store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_store.Find(VolumeKind.Disk, request.Name) is { } clash)
            {
                return HospesError.Conflict($"a disk named '{request.Name}' already exists ({clash.Path}); choose another name or `hospes disk delete {request.Name}`");
            }

            string path = Layout.DiskPath(request.Name, request.Format);
            await using var revert = new Reverter();
            if (File.Exists(path))
            {
                return HospesError.Conflict($"{path} exists but the store does not know it; move it away, or import it with `hospes image import {path} --name NAME`");
            }

            revert.Add(() => DeleteQuietly(path));
            Result<bool> made = await _img.CreateAsync(path, request.Format, request.SizeBytes, ct).ConfigureAwait(false);
            if (!made.IsOk)
            {
                return made.Error;
            }

            VolumeRecord? row = _store.Db.InTransaction(t => t.TryInsertVolume(new VolumeRecord
            {
                Kind = VolumeKind.Disk,
                Name = request.Name,
                Path = path,
                Format = request.Format,
                VirtualSize = request.SizeBytes,
                CreatedAt = _store.Time.GetUtcNow(),
            }));
            if (row is null)
            {
                return HospesError.Conflict($"the state DB already holds a volume at {path} or named '{request.Name}'");
            }

            revert.Commit();
            return Info(row, _store.All());
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    public async Task<Result<VolumeInfo>> ResizeAsync(string name, DiskResizeRequest request, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = _store.All();
        Result<VolumeRecord> found = Resolve(name, all);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VolumeRecord v = found.Value;
        if (v.Kind is VolumeKind.Image or VolumeKind.Template)
        {
            return HospesError.State($"{VolumeInfoFactory.Handle(v)} is a read-only base; resize the disks of the VMs made from it instead");
        }

        if (RunningUser(v.Path) is { } user)
        {
            return InUse($"disk {name}", user, $"shut it down first (`hospes shutdown {user.Record.Name}`)");
        }

        if (request.SizeBytes < v.VirtualSize)
        {
            return HospesError.Invalid($"disk {name} is {ByteSize.Format(v.VirtualSize)}; shrinking to {ByteSize.Format(request.SizeBytes)} would cut off the guest's data; give a larger size");
        }

        Result<bool> resized = await _img.ResizeAsync(v.Path, request.SizeBytes, ct).ConfigureAwait(false);
        if (!resized.IsOk)
        {
            return resized.Error;
        }

        VolumeRecord updated = v with { VirtualSize = request.SizeBytes };
        _store.Db.InTransaction(t => t.UpdateVolume(updated));
        return Info(updated, _store.All());
    }

    public async Task<Result<VolumeInfo>> DeleteDiskAsync(string name, CancellationToken ct)
    {
        await _store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<VolumeRecord> all = _store.All();
            VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Disk && x.Name == name);
            if (v is null)
            {
                return HospesError.NotFound($"no disk named '{name}'; `hospes disk list` shows them (images are removed with `hospes image`, templates with `hospes template delete`, a VM's own disks with the VM)");
            }

            if (v.Vm is { } vm)
            {
                return HospesError.State($"disk {name} is attached to VM {VmName(vm) ?? vm.ToString()}; delete that VM or remove the disk from its config first");
            }

            if (all.Any(x => x.BackingId == v.Id))
            {
                return HospesError.State($"disk {name} backs other volumes; delete those first");
            }

            VolumeInfo info = Info(v, all);
            _store.Db.InTransaction(t => t.DeleteVolume(v.Id));
            DeleteQuietly(v.Path);
            return info;
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    private static Result<VolumeRecord> Resolve(string name, IReadOnlyList<VolumeRecord> all)
    {
        VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Disk && x.Name == name)
            ?? all.FirstOrDefault(x => x.Kind == VolumeKind.Image && x.Name == name)
            ?? all.FirstOrDefault(x => x.Kind is VolumeKind.VmDisk or VolumeKind.Template && x.Name == name);
        return v is null
            ? HospesError.NotFound($"no disk or image named '{name}'; `hospes disk list` shows them (a VM's disks are named VM/vdev, a template's TEMPLATE/vdev)")
            : v;
    }
}
