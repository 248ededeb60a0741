using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Cpus;

/// <summary>
/// `hospes vcpu-set NAME N` (xl vcpu-set): the VM's vCPUs, up to its maxvcpus, kept for its next start. While QEMU runs,
/// vCPUs are plugged into the machine's free slots (device_add) or unplugged from the last (device_del, which the guest
/// acknowledges through ACPI). A Linux guest brings a plugged vCPU online itself only through a udev rule; without one,
/// `echo 1 > /sys/devices/system/cpu/cpuN/online` in the guest does it (Xen's PV guests did it in the kernel).
/// </summary>
internal sealed class VcpuSetCommand(ProjectQuotas quotas, int count) : VmCommand<VmRecord>
{
    private static readonly TimeSpan UnplugWait = TimeSpan.FromSeconds(15);

    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "vcpu-set";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (count < 1 || count > r.Spec.MaxVcpus)
        {
            return HospesError.Invalid(count < 1
                ? $"{r.Name}: {count} vCPUs is not possible; give 1 to its maxvcpus ({r.Spec.MaxVcpus})"
                : $"{r.Name}: {count} vCPUs is above its maxvcpus ({r.Spec.MaxVcpus}); maxvcpus is fixed while it runs: set maxvcpus = {count} in its config, create it again and start it");
        }

        if (vm.Qmp is not { } qmp)
        {
            return vm.Commit(r with { Spec = r.Spec with { Vcpus = count } });
        }

        if (r.Machine == MachineChooser.Microvm)
        {
            IReadOnlyList<RunningVcpu> now = await qmp.QueryVcpusAsync(ct).ConfigureAwait(false);
            if (now.Count != count)
            {
                return HospesError.Invalid($"{r.Name}: its machine (microvm) cannot plug or unplug vCPUs while it runs; give it maxvcpus above vcpus in its config (which makes it a q35 machine) and start it again");
            }

            return vm.Commit(r with { Spec = r.Spec with { Vcpus = count } });
        }

        IReadOnlyList<CpuSlot> slots = await qmp.QueryHotpluggableCpusAsync(ct).ConfigureAwait(false);
        int plugged = slots.Count(s => s.Plugged);
        // QEMU 10's TCG aborts on one of the two, depending on how it threads vCPUs (see QemuCommandLineBuilder.HotplugsVcpus).
        TcgThreads tcg = vm.Qemu is { } q ? ThreadStats.Tcg(q.Pid) : TcgThreads.None;
        if (count > plugged && tcg == TcgThreads.OnePerVcpu)
        {
            return HospesError.Invalid($"{r.Name}: it runs under TCG with a host thread per vCPU, where QEMU aborts when a vCPU is plugged; "
                + "a guest started with fewer vcpus than maxvcpus runs them on one thread and can take more: shut it down, start it again (it has fewer now), then vcpu-set again");
        }

        if (count < plugged && tcg == TcgThreads.OneForAll)
        {
            return HospesError.Invalid($"{r.Name}: it runs under TCG with all vCPUs on one host thread, where QEMU aborts when a vCPU is unplugged; "
                + $"shut it down and `hospes vcpu-set {r.Name} {count}` for its next start (under KVM vCPUs unplug while the guest runs)");
        }

        if (count > plugged && quotas.Check(r.Project, QuotaRequest.VcpuSet(r.Name, plugged, count)) is { } refused)
        {
            return refused;
        }

        // In a cluster: over every host's running VMs too, recorded before the vCPUs are plugged.
        if (count > plugged
            && await quotas.AdmitInClusterAsync(r, (r.Spec.MemoryMib, count), (r.Spec.MemoryMib, plugged), QuotaRequest.VcpuSet(r.Name, plugged, count), ct).ConfigureAwait(false) is { } overCluster)
        {
            return overCluster;
        }

        Result<bool> done = count >= plugged ? await PlugAsync(qmp, slots, count, ct).ConfigureAwait(false) : await UnplugAsync(vm, qmp, slots, count, ct).ConfigureAwait(false);

        // Whatever happened, the threads are the ones QEMU runs now: pinned as the VM's cpus= says, and known to vcpu-list.
        IReadOnlyList<RunningVcpu> vcpus = await qmp.QueryVcpusAsync(ct).ConfigureAwait(false);
        vm.SetVcpuThreads([.. vcpus.Select(v => v.ThreadId)]);
        if (r.Spec.CpuAffinity is { } list && CpuAffinity.Parse(list) is { IsOk: true } cpus)
        {
            foreach (RunningVcpu v in vcpus)
            {
                _ = CpuAffinity.Pin(v.ThreadId, cpus.Value);
            }
        }

        if (vcpus.Count != r.Spec.Vcpus)
        {
            vm.Commit(r with { Spec = r.Spec with { Vcpus = vcpus.Count } });
        }

        return done.IsOk ? vm.Record : done.Error;
    }

    private static async Task<Result<bool>> PlugAsync(IQmp qmp, IReadOnlyList<CpuSlot> slots, int count, CancellationToken ct)
    {
        int plugged = slots.Count(s => s.Plugged);
        foreach (CpuSlot slot in slots.Where(s => !s.Plugged).Take(count - plugged))
        {
            try
            {
                await qmp.PlugCpuAsync(slot, DeviceId(slot), ct).ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                return HospesError.Unavailable($"QEMU refused to plug a vCPU: {e.Message}");
            }
        }

        return true;
    }

    private static async Task<Result<bool>> UnplugAsync(VmSession vm, IQmp qmp, IReadOnlyList<CpuSlot> slots, int count, CancellationToken ct)
    {
        CpuSlot[] going = [.. slots.Where(s => s.Plugged).Reverse().Take(slots.Count(s => s.Plugged) - count)];
        foreach (CpuSlot slot in going)
        {
            try
            {
                await qmp.DeviceDelAsync(slot.QomPath!, ct).ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                return HospesError.Unavailable($"QEMU refused to unplug a vCPU: {e.Message}");
            }
        }

        // The guest offlines and ejects each vCPU (ACPI); the slot is empty when it did.
        DateTimeOffset until = vm.Time.GetUtcNow() + UnplugWait;
        while (true)
        {
            IReadOnlyList<CpuSlot> now = await qmp.QueryHotpluggableCpusAsync(ct).ConfigureAwait(false);
            int left = now.Count(s => s.Plugged);
            if (left <= count)
            {
                return true;
            }

            if (vm.Time.GetUtcNow() > until)
            {
                return HospesError.Unavailable($"{vm.Record.Name}: the guest did not give back {left - count} of the vCPUs within {UnplugWait.TotalSeconds:0} s; "
                    + "it needs ACPI CPU hot-unplug (CONFIG_ACPI_HOTPLUG_CPU) and a vCPU it can take offline; it keeps "
                    + $"{left} vCPUs (ask again later, or shut it down and `hospes vcpu-set {vm.Record.Name} {count}` for its next start)");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), vm.Time, ct).ConfigureAwait(false);
        }
    }

    private static string DeviceId(CpuSlot slot) =>
        "vcpu-" + string.Join('-', slot.Props.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
