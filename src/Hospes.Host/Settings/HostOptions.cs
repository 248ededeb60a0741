using System.Net;

namespace Hospes.Host.Settings;

/// <summary>Where hospesd keeps things; every path is overridable so several "hosts" fit on one machine.</summary>
public sealed record HostOptions
{
    public const string DefaultStateDir = "/var/lib/hospes";
    public const string DefaultSocket = "/run/hospes/hospes.sock";

    public string StateDir { get; init; } = DefaultStateDir;
    public string SocketPath { get; init; } = DefaultSocket;

    /// <summary>Sockets of the VMs (QMP, console); defaults to the API socket's folder. Unix socket paths must stay short.</summary>
    public string? RunDir { get; init; }

    /// <summary>qemu-system-x86_64 to use; null finds it on PATH.</summary>
    public string? QemuPath { get; init; }

    /// <summary>Where the accelerator probe's result is cached; it is valid until the host reboots.</summary>
    public string AccelCachePath { get; init; } = "/run/hospes/accel-probe.json";

    /// <summary>Downloaded Debian packages for image builds, shared by every state dir on the host.</summary>
    public string PackageCacheDir { get; init; } = "/var/cache/hospes/debs";

    /// <summary>Where hospesd listens for other Hospes hosts (HTTPS, `/v1/peer/` only); null: no TCP listener at all.</summary>
    public IPEndPoint? ListenEndpoint { get; init; }

    /// <summary>This host's name: its certificate's CN and what it tells other hosts it is called.</summary>
    public string HostName { get; init; } = Environment.MachineName;

    /// <summary>Overcommit, balloon policy, KSM (`memory.*` settings).</summary>
    public MemorySettings Memory { get; init; } = new();

    /// <summary>
    /// TCG's translation cache per VM in MiB; null leaves QEMU's default (1 GiB reserved, filled as code runs).
    /// See docs/benchmarks.md (memory) for what the size costs and saves.
    /// </summary>
    public int? TcgTbSizeMib { get; init; } = 32;

    /// <summary>
    /// The uids (and gids: each QEMU's gid is its uid) hospesd gives its QEMUs, one per VM (`qemu.uids`); null (`off`):
    /// QEMU keeps root. High by default, above the ranges Debian and systemd hand out to users, services and containers.
    /// </summary>
    public UidRange? QemuUids { get; init; } = UidRange.Default;

    /// <summary>
    /// What each of a VM's logs (console.log, qemu.log, qmp.log) may take on disk, in MiB, with its one older part
    /// (`logs.vm_max_mib`): a guest that floods its console or resets in a loop cannot fill the state dir.
    /// </summary>
    public int VmLogMaxMib { get; init; } = Hospes.Qemu.Logs.LogCap.DefaultMaxMib;

    public long VmLogMaxBytes => (long)VmLogMaxMib << 20;

    /// <summary>
    /// `migration.allow_paths`: host folders (or devices) a VM spec from another host or a save file may use besides
    /// the store; none by default.
    /// </summary>
    public IReadOnlyList<string> AllowPaths { get; init; } = [];

    /// <summary>`migration.allow_bridges`: host bridges such a spec may join besides Hospes networks; none by default.</summary>
    public IReadOnlyList<string> AllowBridges { get; init; } = [];

    /// <summary>`migration.allow_pci`: PCI devices such a spec may pass through; none by default.</summary>
    public IReadOnlyList<string> AllowPci { get; init; } = [];

    /// <summary>cluster.shared_dirs: folders every host of the cluster has at the same path on shared storage (HA VMs' disks).</summary>
    public IReadOnlyList<string> SharedDirs { get; init; } = [];

    /// <summary>cluster.ha.fence_after_s: a host whose lease renewal or heartbeat etcd has not acknowledged for this long kills its HA VMs.</summary>
    public TimeSpan HaFenceAfter { get; init; } = TimeSpan.FromSeconds(6.5);

    /// <summary>cluster.ha.restart_margin_s: the leader restarts a dead host's HA VMs this long after it took the host for dead (lease seen ended, or heartbeat seen unchanged for the lease's TTL).</summary>
    public TimeSpan HaRestartMargin { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>cluster.voters: how many etcd members vote (1, 3 or 5); hosts joining beyond that are learners.</summary>
    public int EtcdVoters { get; init; } = 3;

    /// <summary>cluster.voter_down_s: the leader promotes a learner once a voter's host has been down this long.</summary>
    public TimeSpan EtcdVoterDownAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>cluster.etcd_client_port: where this host's etcd member serves clients (init/join --etcd-port overrides).</summary>
    public int EtcdClientPort { get; init; } = 2379;

    /// <summary>cluster.etcd_peer_port: where this host's etcd member talks to its peers (init/join --etcd-peer-port overrides).</summary>
    public int EtcdPeerPort { get; init; } = 2380;

    public string EffectiveRunDir => RunDir ?? Path.GetDirectoryName(Path.GetFullPath(SocketPath)) ?? "/run/hospes";

    public string DatabasePath => Path.Combine(StateDir, "hospes.db");

    public string VmsDir => Path.Combine(StateDir, "vms");

    public string ImagesDir => Path.Combine(StateDir, "images");

    public string TlsDir => Path.Combine(StateDir, "tls");
}
