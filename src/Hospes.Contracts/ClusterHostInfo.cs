namespace Hospes.Contracts;

/// <summary>A member host as `hospes cluster list` shows it.</summary>
public sealed record ClusterHostInfo
{
    public required string Name { get; init; }

    /// <summary>"up" while its lease lives, else "down"; "evacuated" for an up host that is cordoned.</summary>
    public required string State { get; init; }

    /// <summary>Its hospesd's --listen.</summary>
    public string? Address { get; init; }

    public int Cpus { get; init; }

    public long MemoryTotalMib { get; init; }

    public long MemoryFreeMib { get; init; }

    public long MemoryCommittedMib { get; init; }

    public int Vms { get; init; }

    public int VmsRunning { get; init; }

    /// <summary>leader, voter, learner, starting (added, not yet running) or none.</summary>
    public required string EtcdRole { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>It is the cluster's scheduler and HA leader (elected in etcd on its lease).</summary>
    public bool Leader { get; init; }

    /// <summary>Evacuated (`hospes host evacuate`): it takes no new VMs until `hospes host restore`.</summary>
    public bool Cordoned { get; init; }

    /// <summary>HA frozen: its hospesd stopped cleanly while HA VMs ran there (their QEMUs run on), so the leader moves none of them; it ends when that hospesd is back or `hospes cluster remove` removes the host.</summary>
    public bool Frozen { get; init; }
}
