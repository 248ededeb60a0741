namespace Hospes.Client;

/// <summary>
/// hospesd's whole API, typed and grouped by feature (<c>client.Vms.StartAsync("web", ct)</c>). Every failure is a
/// <see cref="HospesApiException"/>.
/// </summary>
public sealed class HospesClient : IDisposable
{
    /// <summary>The client over <paramref name="connection"/>, which it then owns.</summary>
    public HospesClient(HospesConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Vms = new VmsApi(connection);
        Store = new StoreApi(connection);
        Images = new ImagesApi(connection);
        Networks = new NetworksApi(connection);
        Memory = new MemoryApi(connection);
        Vcpus = new VcpusApi(connection);
        Blocks = new BlocksApi(connection);
        Host = new HostApi(connection);
        Peers = new PeersApi(connection);
        Cluster = new ClusterApi(connection);
        Evacuations = new EvacuationsApi(connection);
        Migrations = new MigrationsApi(connection);
        Console = new ConsoleApi(connection);
        Certificates = new UserCertificatesApi(connection);
        Access = new AccessApi(connection);
        Events = new EventsApi(connection);
        Projects = new ProjectsApi(connection);
        Guest = new GuestApi(connection);
    }

    public HospesConnection Connection { get; }

    /// <summary>Lifecycle: define, start, stop, save, restore, delete.</summary>
    public VmsApi Vms { get; }

    /// <summary>Disks, image imports, templates, clones and snapshots.</summary>
    public StoreApi Store { get; }

    public ImagesApi Images { get; }

    /// <summary>Networks, a VM's vifs and port forwards, ssh targets and the TCP relay.</summary>
    public NetworksApi Networks { get; }

    public MemoryApi Memory { get; }

    /// <summary>A VM's vCPUs: vcpu-list, vcpu-set, vcpu-pin.</summary>
    public VcpusApi Vcpus { get; }

    /// <summary>A VM's disks: block-list, block-attach, block-detach.</summary>
    public BlocksApi Blocks { get; }

    /// <summary>This host and config checks.</summary>
    public HostApi Host { get; }

    /// <summary>The hosts this one trusts and the tokens to join it.</summary>
    public PeersApi Peers { get; }

    /// <summary>This host's cluster (issue 17).</summary>
    public ClusterApi Cluster { get; }

    /// <summary>Evacuating a cluster's host and taking it back (issue 17).</summary>
    public EvacuationsApi Evacuations { get; }

    public MigrationsApi Migrations { get; }

    /// <summary>The serial console: its log and the live WebSocket.</summary>
    public ConsoleApi Console { get; }

    /// <summary>TLS client certificates that log in as users.</summary>
    public UserCertificatesApi Certificates { get; }

    /// <summary>Users, groups, tokens, ACL entries, roles, whoami and the audit log.</summary>
    public AccessApi Access { get; }

    /// <summary>The host's events as they happen (VM states, long operations' progress, memory policy actions).</summary>
    public EventsApi Events { get; }

    /// <summary>Projects, their limits and usage.</summary>
    public ProjectsApi Projects { get; }

    /// <summary>A running VM's guest agent: ping, info, exec, set-time.</summary>
    public GuestApi Guest { get; }

    /// <summary>hospesd's API socket: <paramref name="socketPath"/>, else $HOSPES_SOCKET, else /run/hospes/hospes.sock.</summary>
    public static HospesClient ForSocket(string? socketPath = null) => new(HospesConnection.UnixSocket(socketPath));

    public void Dispose() => Connection.Dispose();
}
