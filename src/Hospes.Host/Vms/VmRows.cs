using Hospes.Host.State;

namespace Hospes.Host.Vms;

/// <summary>A VM's rows in the state DB, removed in one transaction: the VM, the disks it owns; store disks it used are detached.</summary>
internal static class VmRows
{
    /// <summary>Removes them; nothing when they are gone already.</summary>
    public static void Delete(StateDb db, Guid uuid)
    {
        var volumes = db.LoadVolumes().Where(v => v.Vm == uuid).ToList();
        db.InTransaction(tx =>
        {
            tx.DeleteVm(uuid);
            foreach (VolumeRecord v in volumes)
            {
                if (v.Kind == VolumeKind.VmDisk)
                {
                    tx.DeleteVolume(v.Id);
                }
                else
                {
                    tx.UpdateVolume(v with { Vm = null });
                }
            }
        });
    }
}
