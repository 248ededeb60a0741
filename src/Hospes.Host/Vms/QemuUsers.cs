using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;

namespace Hospes.Host.Vms;

/// <summary>
/// Gives each VM's QEMU a uid of its own from `qemu.uids` (its gid is the same number): one no other VM of this host
/// holds, no user or group of the host has, and no running process uses (a QEMU of another hospesd). A VM keeps its uid
/// while that stays true.
/// </summary>
internal sealed class QemuUsers(UidRange range, StateDb db)
{
    private readonly Lock _gate = new();

    // Uids handed out whose VM has not recorded them yet (launches run in parallel, one per VM queue).
    private readonly Dictionary<Guid, int> _claimed = [];

    public Result<int> Claim(VmRecord vm)
    {
        lock (_gate)
        {
            IReadOnlyList<VmRecord> vms = db.LoadVms();
            var defined = vms.Select(o => o.Uuid).ToHashSet();
            foreach (Guid gone in _claimed.Keys.Where(k => !defined.Contains(k)).ToList())
            {
                _claimed.Remove(gone);
            }

            var held = new HashSet<int>(vms.Where(o => o.Uuid != vm.Uuid && o.QemuUid is not null).Select(o => o.QemuUid!.Value));
            held.UnionWith(_claimed.Where(c => c.Key != vm.Uuid).Select(c => c.Value));
            HashSet<int> running = HostIds.OfProcesses();
            bool Free(int uid) => !held.Contains(uid) && !running.Contains(uid) && !HostIds.IsKnown(uid);

            int? mine = vm.QemuUid ?? (_claimed.TryGetValue(vm.Uuid, out int c) ? c : null);
            int? chosen = mine is { } m && range.Contains(m) && Free(m) ? m : null;
            for (long uid = range.First; chosen is null && uid <= range.Last; uid++)
            {
                chosen = Free((int)uid) ? (int)uid : null;
            }

            if (chosen is not { } found)
            {
                return HospesError.Unavailable(
                    $"{vm.Name} cannot start: no uid of qemu.uids ({range}) is free for its QEMU ({held.Count} held by other VMs, the rest by users, groups or processes of this host); widen qemu.uids in hospesd.conf");
            }

            _claimed[vm.Uuid] = found;
            return found;
        }
    }
}
