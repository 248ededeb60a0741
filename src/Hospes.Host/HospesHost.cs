using Hospes.Host.Cluster;
using Hospes.Host.Edge;
using Hospes.Host.Images;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Migration;
using Hospes.Host.Network;
using Hospes.Host.Peers;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Agent;
using Hospes.Host.Vms.Cpus;
using Hospes.Host.Vms.Disks;
using Hospes.Host.Vms.Nics;
using Hospes.Host.Vms.Forks;
using Hospes.Network;
using Hospes.Network.Tools;
using Hospes.Qemu.Launch;
using Hospes.Storage.Images;
using Hospes.Storage.QemuImg;
using Microsoft.Extensions.Logging;

namespace Hospes.Host;

/// <summary>
/// Everything hospesd owns on one host, built once at start, floor by floor: each service gets what it needs in its
/// constructor, from the floors below it.
/// </summary>
public sealed partial class HospesHost : IAsyncDisposable
{
    private readonly Stream _lock;
    private readonly ILogger _log;

    private HospesHost(HostOptions options, TimeProvider time, ILoggerFactory logs, MachineParts machine, Stream stateLock)
    {
        Options = options;
        _lock = stateLock;
        _log = logs.CreateLogger("Hospes.Host");

        // Floor 1: state. Floor 2: the machine and the VM seam.
        var db = new StateDb(options.DatabasePath);
        var layout = new VmLayout(options);
        var registry = new VmRegistry<VmActor>();
        var events = new HostEvents(time);
        Runtime = machine.Runtime ?? new HostRuntime(options, time);
        IQemuLauncher qemu = machine.Launcher ?? new QemuLauncher(time, options.VmLogMaxBytes);

        // Floor 3: resources, which see the VMs through the registry.
        var images = new ImageStore(options.ImagesDir);
        IQemuImg qemuImg = machine.QemuImg ?? new QemuImg();
        INetworkHost network = machine.Network ?? new NetworkHost(new NetTools(), time);
        Networks = new NetworkService(db, registry, options, network, time, logs);
        Ssh = new SshKey(options.StateDir);
        var guests = new GuestAccess(registry, Ssh, new GuestHostKeys(layout));
        Balloons = new Balloons(options.Memory, time, logs);
        var quotas = new ProjectQuotas(db, registry);
        Memory = new MemoryService(options, db, registry, Balloons, time, logs, events: events, quotas: quotas);
        var storeLayout = new StoreLayout(options);
        Volumes = new VolumeStore(db, storeLayout, time);
        StoreRepair = new StoreRepair(Volumes, registry, qemuImg);
        var disks = new DiskService(Volumes, registry, qemuImg);
        var diskImages = new DiskImages(Volumes, registry, qemuImg);
        var templates = new TemplateService(Volumes, registry, qemuImg);
        var snapshots = new SnapshotService(registry, qemuImg);
        var storeCheck = new StoreCheck(Volumes, registry, qemuImg, StoreRepair);
        Images = new ImageService(options, images, Volumes, time);
        // The peers' calls to other hosts go out through the edge (Hospes.Client); the service sees them as IPeerConnections.
        var identity = HostCertificate.LoadOrCreate(options.TlsDir, options.HostName, time.GetUtcNow());
        var peerConnections = new PeerConnections(identity);
        Peers = new PeerService(options, db, identity, peerConnections, time, logs);
        // The cluster (issue 17): its etcd, the lease, VM ownership; other members reached over the peer channel.
        Cluster = new ClusterService(options, Peers, new ClusterPeerConnections(peerConnections), new HostResourceReader(Memory, registry), db, time, logs);
        quotas.Cluster = Cluster;

        // Floor 4: the VMs.
        ILogger vmLog = logs.CreateLogger(VmLog.Category);
        var launcher = new VmLauncher(options, Runtime, images, Ssh, Memory, Balloons, Networks, qemu, db, quotas, vmLog);
        // A saved guest that runs again had its clock stand still: set through its agent, as a fork's is (Forks, below).
        ForkService? forks = null;
        var commands = new VmCommands(launcher, new FileStreams(time), Balloons, qemu, Networks, vmLog, continued: vm => forks?.SetClockLater(vm));
        Vms = new VmManager(db, layout, registry, new DiskProvisioner(Volumes, qemuImg), Networks, qemu, launcher, commands, events, time, vmLog, Cluster);
        Creator = new VmCreator(Vms);
        var clones = new CloneService(Volumes, Vms, commands);
        // The guest agents: `hospes guest`, and the identity each fork takes (GuestAgent.SetIdentityAsync).
        GuestAgent = new GuestAgent(time, vmLog);
        // Guests that booted with another key than this host's (before its join; on the host a migration came from) get it.
        var hostKeys = new GuestHostKeys(layout);
        KeyPush = new GuestKeyPush(GuestAgent, Ssh, () => Vms.All, vm => hostKeys.Find(vm.Record.Uuid) is not null, time, vmLog);
        Cluster.SshKeyTaken += () => KeyPush.PushAllLater("this host took its cluster's key");
        Forks = forks = new ForkService(Vms, commands, GuestAgent, new ForkDisks(Volumes, qemuImg), time, vmLog);
        VmLogs = new VmLogCap(registry, layout, options.VmLogMaxBytes, time, vmLog);

        // Floor 5: migration. Floor 6 (here): its destinations are the trusted peers.
        Migrations = new MigrationService(Vms, new PeerMigrationTargets(Peers, peerConnections), new MigrationOfferBuilder(options.StateDir, Balloons), options.HostName, logs);
        var checks = new OfferChecks(options, Runtime, images, Memory, Networks, Vms, time);
        Incoming = new IncomingMigrations(Vms, layout, storeLayout, launcher, checks, qemuImg, network, time, logs, arrived: vm => KeyPush.PushLater(vm, "it migrated here"));

        // Floor 6: what the API may ask, in its own words.
        var objectProjects = new ObjectProjects(Vms, Volumes, Networks);
        Access = new AccessGate(db, objectProjects);
        Cluster.AccessReplaced += Access.Reload;
        AccessWrites = new AccessWrites(Cluster);
        VmsApi = new VmsApi(Vms, Creator, new UserSpecs(Access, objectProjects, Images, Volumes, Networks));
        HostApi = new HostApi(options, Runtime, Vms);
        NetworksApi = new NetworksApi(Networks, guests, quotas, objectProjects);
        MemoryApi = new MemoryApi(Memory);
        VcpusApi = new VcpusApi(new VcpuService(Vms));
        BlocksApi = new BlocksApi(new BlockService(Vms, qemuImg), new UserSpecs(Access, objectProjects, Images, Volumes, Networks), Vms);
        VifsApi = new VifsApi(new VifService(Vms, Networks), Networks, new UserSpecs(Access, objectProjects, Images, Volumes, Networks));
        StoreApi = new StoreApi(disks, diskImages, templates, snapshots, storeCheck, clones, quotas);
        ImagesApi = new ImagesApi(Images);
        MigrationsApi = new MigrationsApi(Migrations, Incoming);
        PeersApi = new PeersApi(Peers);
        ClusterApi = new ClusterApi(Cluster);
        Forwarding = new ClusterForwarding(Cluster, identity, db, time, logs);
        EvacuationApi = new EvacuationApi(new Hospes.Host.Migration.Evacuation.EvacuationService(Cluster, Vms, Migrations, Peers, new EvacuationPeerConnections(peerConnections), options.StateDir, time, logs));
        Logins = new Logins(db, time);
        Audit = new AuditLog(db, time, logs.CreateLogger("Hospes.Audit"));
        Ha = new Ha.HaService(Cluster, Vms, Audit, options, time, logs.CreateLogger("Hospes.Host.Cluster.Ha"));
        UserCertificatesApi = new UserCertificatesApi(db, Peers, time);
        AccessApi = new AccessApi(db, Access, time);
        EventsApi = new EventsApi(events, Access, objectProjects);
        ForksApi = new ForksApi(Forks);
        ProjectsApi = new ProjectsApi(new ProjectService(db, Vms, Volumes, Networks, time), AccessWrites);
        GuestApi = new GuestApi(Vms, GuestAgent);
    }

    public HostOptions Options { get; }

    public VmsApi VmsApi { get; }

    public ForksApi ForksApi { get; }

    internal ForkService Forks { get; }

    public HostApi HostApi { get; }

    public NetworksApi NetworksApi { get; }

    public MemoryApi MemoryApi { get; }

    public VcpusApi VcpusApi { get; }

    /// <summary>`hospes guest`: a running VM's guest agent.</summary>
    public GuestApi GuestApi { get; }

    public BlocksApi BlocksApi { get; }

    public VifsApi VifsApi { get; }

    public StoreApi StoreApi { get; }

    public ImagesApi ImagesApi { get; }

    public MigrationsApi MigrationsApi { get; }

    public PeersApi PeersApi { get; }

    /// <summary>`hospes cluster ...` and the members' join (issue 17).</summary>
    public ClusterApi ClusterApi { get; }

    /// <summary>Requests for a VM another member owns, the cluster-wide list, placement (issue 17).</summary>
    public ClusterForwarding Forwarding { get; }

    /// <summary>`hospes project ...`: projects, their limits and usage.</summary>
    public ProjectsApi ProjectsApi { get; }

    /// <summary>Who may call which route, and what each list shows them.</summary>
    public AccessGate Access { get; }

    /// <summary>Who an HTTPS request is: token, password or mapped client certificate.</summary>
    public Logins Logins { get; }

    /// <summary>The audit log's writing end.</summary>
    public AuditLog Audit { get; }

    public UserCertificatesApi UserCertificatesApi { get; }

    /// <summary>Users, groups, tokens, ACL entries, roles, the audit log.</summary>
    public AccessApi AccessApi { get; }

    /// <summary>`GET /v1/events`: the host's events as each caller may see them.</summary>
    public EventsApi EventsApi { get; }

    internal HostRuntime Runtime { get; }

    internal VmManager Vms { get; }

    internal VmCreator Creator { get; }

    /// <summary>The VMs' guest agents; the fork code gives each fork its identity with <see cref="GuestAgent.SetIdentityAsync"/>.</summary>
    internal GuestAgent GuestAgent { get; }

    /// <summary>This host's guest SSH key into running guests that lack it (after a join, a migration's arrival).</summary>
    internal GuestKeyPush KeyPush { get; }

    internal ImageService Images { get; }

    internal VolumeStore Volumes { get; }

    internal StoreRepair StoreRepair { get; }

    internal NetworkService Networks { get; }

    internal SshKey Ssh { get; }

    internal Balloons Balloons { get; }

    internal MemoryService Memory { get; }

    internal PeerService Peers { get; }

    internal ClusterService Cluster { get; }

    /// <summary>Every write to users, groups, tokens, ACL, roles, projects and certificates: the cluster's in a cluster.</summary>
    public AccessWrites AccessWrites { get; }

    /// <summary>Fencing, the leader and HA restarts (issue 17, part 2).</summary>
    internal Ha.HaService Ha { get; }

    internal MigrationService Migrations { get; }

    public EvacuationApi EvacuationApi { get; }

    internal IncomingMigrations Incoming { get; }

    internal VmLogCap VmLogs { get; }

    /// <summary>Opens the state dir (one hospesd per state dir), reconciles VMs, starts the accelerator probe.</summary>
    public static Task<HospesHost> StartAsync(HostOptions options, TimeProvider time, ILoggerFactory logs, CancellationToken ct) =>
        StartAsync(options, time, logs, new MachineParts(), ct);

    /// <summary>As <see cref="StartAsync(HostOptions, TimeProvider, ILoggerFactory, CancellationToken)"/>, on the given parts of the machine (tests: fakes).</summary>
    internal static async Task<HospesHost> StartAsync(HostOptions options, TimeProvider time, ILoggerFactory logs, MachineParts machine, CancellationToken ct)
    {
        StateModes.Apply(options);
        Stream stateLock = LockStateDir(options.StateDir);
        var host = new HospesHost(options, time, logs, machine, stateLock);
        host.Runtime.Warm();
        if (await host.Ssh.EnsureAsync(ct).ConfigureAwait(false) is { } sshProblem)
        {
            host.LogSshProblem(sshProblem);
        }

        await host.Networks.InitializeAsync(ct).ConfigureAwait(false);
        if (options.QemuUids is { } uids && Environment.IsPrivilegedProcess)
        {
            // No migration arrives before SettleAsync: what a killed hospesd granted for post-copy goes.
            await UserfaultfdAccess.RevokeLeftoversAsync(uids).ConfigureAwait(false);
        }

        // The store is made usable before any VM may start again (a restart on crash): leftover exports stopped, overlays re-pointed.
        await host.StoreRepair.PrepareAsync(ct).ConfigureAwait(false);
        await host.Vms.InitializeAsync(ct).ConfigureAwait(false);
        await host.Cluster.StartAsync(ct).ConfigureAwait(false);
        await host.Networks.ReconcileAsync(ct).ConfigureAwait(false);
        await host.Incoming.ClearStaleRulesAsync(ct).ConfigureAwait(false);
        await host.Migrations.SettleAsync(ct).ConfigureAwait(false);
        await host.Forks.SettleAsync(ct).ConfigureAwait(false);
        await host.StoreRepair.RunAsync(ct).ConfigureAwait(false);
        foreach (string repair in host.StoreRepair.Repairs)
        {
            host.LogStoreRepair(repair);
        }

        host.Memory.Start();
        host.VmLogs.Start();
        host.Forks.Start();
        host.GuestAgent.Start(
            () => [.. host.Vms.All.Select(a => new AgentTarget(a.Record.Uuid, a.Record.Name, a.Layout.Paths(a.Record.Uuid).AgentSocket, a.Pid))], host.Vms.Events);
        host.Ha.Start();
        host.Forwarding.StartCopySweep(host.StoreApi);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await Incoming.DisposeAsync().ConfigureAwait(false);
        await Memory.DisposeAsync().ConfigureAwait(false);
        await VmLogs.DisposeAsync().ConfigureAwait(false);
        await Forks.DisposeAsync().ConfigureAwait(false);
        Forwarding.Dispose();
        await KeyPush.DisposeAsync().ConfigureAwait(false);
        await GuestAgent.DisposeAsync().ConfigureAwait(false);
        await Ha.DisposeAsync().ConfigureAwait(false);
        await Cluster.DisposeAsync().ConfigureAwait(false);
        await Vms.DisposeAsync().ConfigureAwait(false);
        Images.Dispose();
        Networks.Dispose();
        Volumes.Dispose();
        Peers.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "store repair: {Repair} (`hospes disk check` lists it)")]
    private partial void LogStoreRepair(string repair);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ssh key: {Problem}; `hospes ssh` will not work")]
    private partial void LogSshProblem(string problem);

    private static FileStream LockStateDir(string stateDir)
    {
        string path = Path.Combine(stateDir, "hospesd.lock");
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Linux; it ends with the process.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"another hospesd already uses the state dir {stateDir}; stop it first or give --state-dir another folder");
        }
    }
}
