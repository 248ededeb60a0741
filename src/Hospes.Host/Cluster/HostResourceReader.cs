using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;

namespace Hospes.Host.Cluster;

/// <summary>This host's figures for the cluster, from memory admission and the VM directory.</summary>
internal sealed class HostResourceReader(MemoryService memory, IVmDirectory vms) : IHostResources
{
    private const long Mib = 1024 * 1024;

    public HostResources Read()
    {
        HostMemoryStatus status = memory.HostStatus();
        IReadOnlyList<IVm> all = vms.All;
        return new HostResources
        {
            Cpus = Environment.ProcessorCount,
            MemoryTotalMib = status.Host.TotalBytes / Mib,
            MemoryFreeMib = status.Host.AvailableBytes / Mib,
            MemoryCommittedMib = status.CommittedBytes / Mib,
            MemoryCommitLimitMib = status.CommitLimitBytes / Mib,
            MemoryReserveMib = status.ReserveBytes / Mib,
            Vms = all.Count,
            VmsRunning = all.Count(v => v.Record.State is VmState.Running or VmState.Paused),
        };
    }

    public LocalUse Use() => memory.Quotas.Local();

    public IReadOnlyList<(string Name, string Uuid, string Project)> Vms() => [.. vms.All.Select(v => (v.Record.Name, v.Record.Uuid.ToString(), v.Record.Project))];
}
