namespace Hospes.Host.Cluster;

/// <summary>What a host offers the cluster, as it last said (its `hosts/` key, refreshed every few seconds).</summary>
internal sealed record HostResources
{
    public int Cpus { get; init; }

    public long MemoryTotalMib { get; init; }

    public long MemoryFreeMib { get; init; }

    /// <summary>What the VMs with a QEMU were given (memory admission's committed memory).</summary>
    public long MemoryCommittedMib { get; init; }

    /// <summary>Committed memory may not pass this (total × overcommit ratio); 0 from a host that did not say.</summary>
    public long MemoryCommitLimitMib { get; init; }

    /// <summary>What a start must leave available (memory.reserve_mib).</summary>
    public long MemoryReserveMib { get; init; }

    public int Vms { get; init; }

    public int VmsRunning { get; init; }
}
