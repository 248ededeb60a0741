using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Vms;

internal sealed partial class VmManager
{
    /// <summary>
    /// A disk for `hospes block-attach` to <paramref name="vm"/>, made as define makes its disks: an image or a template's
    /// disk gets an overlay of its own, a store disk is attached as it is (its row says so), a host path is used as given.
    /// Undone by <paramref name="revert"/>.
    /// </summary>
    public async Task<Result<DiskSpec>> ProvisionDiskAsync(VmRecord vm, DiskSpec disk, Reverter revert, CancellationToken ct)
    {
        Result<Provisioned> made = await _disks.ProvisionAsync(vm.Spec with { Disks = [disk] }, fullCopies: false, revert, ct).ConfigureAwait(false);
        if (!made.IsOk)
        {
            return made.Error;
        }

        Provisioned p = made.Value;
        var inserted = new List<VolumeRecord>();
        _db.InTransaction(tx =>
        {
            foreach (VolumeRecord v in p.NewVolumes)
            {
                inserted.Add(tx.TryInsertVolume(v) ?? throw new HospesException(HospesError.Conflict($"the state DB already holds a volume at {v.Path}")));
            }

            foreach (VolumeRecord v in p.Attached)
            {
                tx.UpdateVolume(v);
            }

            return true;
        });
        revert.Add(() =>
        {
            _db.InTransaction(tx =>
            {
                foreach (VolumeRecord v in inserted)
                {
                    tx.DeleteVolume(v.Id);
                }

                foreach (VolumeRecord v in p.Attached)
                {
                    tx.UpdateVolume(v with { Vm = null });
                }

                return true;
            });
            return ValueTask.CompletedTask;
        });

        // Only the disk asked for: a full image's identity seed belongs to a VM's definition, not to an extra disk.
        return p.Spec.Disks.First(d => d.Source != DiskProvisioner.SeedSource);
    }

    /// <summary>A store disk block-detach took from <paramref name="vm"/> is free again (for another VM, or `hospes disk delete`).</summary>
    public void ReleaseDisk(Guid vm, string path)
    {
        if (_db.LoadVolumes().FirstOrDefault(v => v.Vm == vm && v.Path == path && v.Kind == VolumeKind.Disk) is { } held)
        {
            _db.InTransaction(tx =>
            {
                tx.UpdateVolume(held with { Vm = null });
                return true;
            });
        }
    }
}
