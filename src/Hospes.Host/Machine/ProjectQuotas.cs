using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.State;

namespace Hospes.Host.Machine;

/// <summary>
/// The projects' limits against what their VMs use (issue 14): defined VMs, and the memory (its balloon target, what
/// mem-set changes) and vCPUs of VMs with a QEMU. Starts are admitted one at a time, and a VM being started counts until
/// its QEMU runs, so two starts in one project cannot both take the last room.
/// </summary>
internal sealed class ProjectQuotas(StateDb db, IVmDirectory vms)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (string Project, long MemoryMiB, int Vcpus)> _starting = [];

    /// <summary>In a cluster: the limits counted over every host too (set once the cluster's service exists).</summary>
    public IClusterAdmission Cluster { get; set; } = NoClusterAdmission.Instance;

    /// <summary>
    /// Admits VM <paramref name="r"/>'s start (<paramref name="now"/> null) or growth to <paramref name="to"/> into its
    /// project's memory and vCPU limits over the whole cluster (after <see cref="AdmitStart"/> or <see cref="Check"/>
    /// here): null when it fits and is recorded (or the host is in no cluster); else the refusal.
    /// </summary>
    public async Task<HospesError?> AdmitInClusterAsync(VmRecord r, (long MemoryMiB, int Vcpus) to, (long MemoryMiB, int Vcpus)? now, QuotaRequest request, CancellationToken ct)
    {
        HospesError? refused = await Cluster.AdmitUseAsync(r.Name, r.Project, to, now, request, ct).ConfigureAwait(false);
        return refused is null ? null
            : now is null ? refused with { Message = $"cannot start {r.Name}: {refused.Message}; nothing was started" }
            : refused with { Message = $"{refused.Message}; nothing was changed" };
    }

    /// <summary>The VMs here that count against memory and vCPU limits: those with a QEMU, and those being started.</summary>
    public LocalUse Local()
    {
        var running = new List<RunningUse>();
        var starting = new List<string>();
        lock (_gate)
        {
            foreach (IVm vm in vms.All)
            {
                VmRecord r = vm.Record;
                if (_starting.ContainsKey(r.Uuid))
                {
                    starting.Add(r.Name);
                }
                else if (vm.Pid is not null)
                {
                    running.Add(new RunningUse(r.Name, r.Project, r.Spec.MemoryMib, r.Spec.Vcpus));
                }
            }
        }

        return new LocalUse(running, starting);
    }

    /// <summary>The project, or NotFound with how to make it.</summary>
    public Result<ProjectRecord> Find(string project) =>
        db.LoadProjects().FirstOrDefault(p => p.Name == project) is { } found
            ? found
            : HospesError.NotFound($"no project {project}; create it with hospes project create {project}");

    /// <summary>Null when the project exists; else NotFound with how to make it.</summary>
    public HospesError? Missing(string project)
    {
        Result<ProjectRecord> found = Find(project);
        return found.IsOk ? null : found.Error;
    }

    /// <summary>What <paramref name="project"/> uses now, not counting the VM <paramref name="exclude"/>.</summary>
    public ProjectUsage Usage(string project, Guid? exclude = null)
    {
        lock (_gate)
        {
            return UsageLocked(project, exclude);
        }
    }

    /// <summary>Null when the project (which must exist) has room for <paramref name="request"/>; else the refusal with the arithmetic.</summary>
    public HospesError? Check(string project, QuotaRequest request, Guid? exclude = null)
    {
        Result<ProjectRecord> p = Find(project);
        if (!p.IsOk)
        {
            return p.Error;
        }

        lock (_gate)
        {
            return Quota.Check(project, p.Value.Limits, UsageLocked(project, exclude), request);
        }
    }

    /// <summary>
    /// Admits the start of <paramref name="vm"/> (its memory and vCPUs) into its project; the VM counts as running from
    /// here until the reservation is disposed (when its QEMU runs, or the start failed).
    /// </summary>
    public Result<IDisposable> AdmitStart(VmRecord vm)
    {
        Result<ProjectRecord> p = Find(vm.Project);
        if (!p.IsOk)
        {
            return p.Error;
        }

        QuotaRequest request = QuotaRequest.Start(vm.Name, vm.Spec.MemoryMib, vm.Spec.Vcpus);
        lock (_gate)
        {
            if (Quota.Check(vm.Project, p.Value.Limits, UsageLocked(vm.Project, vm.Uuid), request) is { } refused)
            {
                return refused with { Message = $"cannot start {vm.Name}: {refused.Message}" };
            }

            _starting[vm.Uuid] = (vm.Project, vm.Spec.MemoryMib, vm.Spec.Vcpus);
        }

        return Result.Ok<IDisposable>(new Reservation(this, vm.Uuid));
    }

    private ProjectUsage UsageLocked(string project, Guid? exclude)
    {
        int defined = 0, vcpus = 0;
        long memory = 0;
        foreach (IVm vm in vms.All)
        {
            VmRecord r = vm.Record;
            if (r.Project != project)
            {
                continue;
            }

            defined++;
            if (r.Uuid != exclude && vm.Pid is not null && !_starting.ContainsKey(r.Uuid))
            {
                memory += r.Spec.MemoryMib;
                vcpus += r.Spec.Vcpus;
            }
        }

        foreach ((Guid uuid, (string p, long m, int c)) in _starting)
        {
            if (p == project && uuid != exclude)
            {
                memory += m;
                vcpus += c;
            }
        }

        return new ProjectUsage(defined, memory, vcpus);
    }

    private sealed class Reservation(ProjectQuotas quotas, Guid uuid) : IDisposable
    {
        public void Dispose()
        {
            lock (quotas._gate)
            {
                quotas._starting.Remove(uuid);
            }
        }
    }
}
