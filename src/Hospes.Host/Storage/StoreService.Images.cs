using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

internal sealed partial class StoreService
{
    /// <summary>`hospes image delete`: removes a disk image nothing depends on (no overlay of a VM or template, no VM using it read-only).</summary>
    public async Task<Result<VolumeInfo>> DeleteImageAsync(string name, CancellationToken ct)
    {
        await _store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<VolumeRecord> all = _store.All();
            VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Image && x.Name == name);
            if (v is null)
            {
                return HospesError.NotFound($"no disk image named '{name}'; `hospes image list` shows them (boot-only images such as tiny are rebuilt, not deleted)");
            }

            var users = all.Where(x => x.BackingId == v.Id)
                .Select(x => x.Vm is { } vm ? $"VM {VmName(vm) ?? vm.ToString()}" : VolumeInfoFactory.Handle(x))
                .Concat(_vms.All.Where(a => a.Record.Spec.Disks.Any(d => d.Target == v.Path)).Select(a => $"VM {a.Record.Name}"))
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToList();
            if (users.Count > 0)
            {
                return HospesError.State($"cannot delete image {name}: {string.Join(", ", users)} depend(s) on it; delete those first");
            }

            VolumeInfo info = Info(v, all);
            _store.Db.InTransaction(t => t.DeleteVolume(v.Id));
            DeleteQuietly(Path.GetDirectoryName(v.Path) == Layout.ImageDir(name) && !File.Exists(Path.Combine(Layout.ImageDir(name), "image.json"))
                ? Layout.ImageDir(name)
                : v.Path);
            return info;
        }
        finally
        {
            _store.Gate.Release();
        }
    }
}
