using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Memory;

/// <summary>`hospes mem-set`: balloons a running guest to <paramref name="mib"/> and keeps it as the VM's memory.</summary>
internal sealed class MemSetCommand(Balloons balloons, ProjectQuotas quotas, int mib) : IVmCommand<VmRecord>
{
    private const long Mib = 1024 * 1024;

    public VmAction Action => VmAction.MemSet;

    public async Task<Result<VmRecord>> RunAsync(IVmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        IQmp qmp = vm.Qmp!;
        VmMemoryState m = balloons.Of(qmp);
        int booted = m.BootedMib ?? r.Spec.MaxMemoryMib;
        if (mib > r.Spec.MaxMemoryMib)
        {
            return HospesError.Invalid($"{r.Name}: {mib} MiB is above its maxmem ({r.Spec.MaxMemoryMib} MiB); raise the ceiling first with `hospes mem-max {r.Name} {mib}`"
                + (mib > booted ? $" (while it runs, at most the {booted} MiB it was started with)" : ""));
        }

        if (mib > booted)
        {
            return HospesError.Invalid($"{r.Name}: {mib} MiB is more than the {booted} MiB of RAM it was started with; a guest gets more only when it starts again with a higher maxmem");
        }

        // Asked now, not taken from the last sample: the driver may have been unloaded since.
        BalloonDriver? driver = await qmp.QueryBalloonDriverAsync(ct).ConfigureAwait(false) ?? m.Driver;
        balloons.NoteDriver(qmp, driver);
        if (driver is not { Ready: true })
        {
            return HospesError.Unavailable($"{r.Name}: the guest has no balloon driver running (virtio_balloon), so it cannot give memory back; "
                + "load the module in the guest (`modprobe virtio_balloon`), or change memory in its config and start it again");
        }

        int floor = Balloons.FloorMib(m.GuestUsedBytes);
        if (mib < floor)
        {
            return HospesError.Invalid(m.GuestUsedBytes is { } used
                ? $"{r.Name}: {mib} MiB is below what the guest uses now ({used / Mib} MiB, cache and free memory not counted) plus a margin; choose at least {floor} MiB, or free memory in the guest first"
                : $"{r.Name}: {mib} MiB is below the minimum of {Balloons.MinimumMib} MiB a guest needs; choose at least {Balloons.MinimumMib} MiB");
        }

        // Growth only: giving memory back is always allowed, even in a project over its (lowered) limit.
        if (mib > r.Spec.MemoryMib && quotas.Check(r.Project, Access.QuotaRequest.MemSet(r.Name, r.Spec.MemoryMib, mib)) is { } refused)
        {
            return refused;
        }

        // In a cluster: over every host's running VMs too, recorded before the balloon grows (a failure is taken back by the next round).
        if (mib > r.Spec.MemoryMib
            && await quotas.AdmitInClusterAsync(r, (mib, r.Spec.Vcpus), (r.Spec.MemoryMib, r.Spec.Vcpus), Access.QuotaRequest.MemSet(r.Name, r.Spec.MemoryMib, mib), ct).ConfigureAwait(false) is { } overCluster)
        {
            return overCluster;
        }

        Result<bool> set = await balloons.SetTargetAsync(vm, mib, policyReason: null).ConfigureAwait(false);
        if (!set.IsOk)
        {
            return set.Error;
        }

        return vm.Commit(vm.Record with { Spec = vm.Record.Spec with { MemoryMib = mib } });
    }
}
