namespace Hospes.Integration.Tests.Cluster;

/// <summary>How a <see cref="ClusterLab"/> makes its hosts.</summary>
internal sealed record ClusterLabOptions
{
    /// <summary>How many hosts <see cref="ClusterLab.StartAsync"/> starts (host-a at 203.0.113.1, host-b at .2, ...); 0: the test adds them (<see cref="ClusterLab.AddHostAsync"/>).</summary>
    public int Hosts { get; init; } = 3;

    /// <summary>Lines of a hospesd.conf (in the lab's folder) every host reads with --config, e.g. "migration.allow_paths = /tmp\n".</summary>
    public string? Settings { get; init; }

    /// <summary>Every host has the lab's shared folder (<see cref="ClusterLab.Shared"/>) as cluster.shared_dirs, as HA VMs need.</summary>
    public bool SharedFolder { get; init; }

    /// <summary>More hospesd options for host i (1-based), after the lab's (e.g. a memory overcommit ratio per host).</summary>
    public Func<int, string[]>? HostArgs { get; init; }

    /// <summary>
    /// Waits for every host's info once they all run: each host decides its accelerator once, in the background, and a
    /// migration's prepare (a live move, an evacuation) waits for it otherwise.
    /// </summary>
    public bool HostInfo { get; init; }
}
