using System.Net;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Host.Cluster.Access;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Machine;
using Hospes.Host.Peers;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>
/// This host in a cluster of hosts on etcd (issue 17, part 1): init, tokens, join, list, leave, remove; its etcd
/// member; its membership lease; the ownership of its VMs. A host in no cluster (no `&lt;state&gt;/cluster/cluster.json`)
/// runs no etcd and every call here but init and join says so or does nothing.
/// </summary>
internal sealed partial class ClusterService : IVmClaims, IClusterAdmission, IAccessChanges, IAsyncDisposable
{
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(30);
    private readonly HostOptions _options;
    private readonly PeerService _peers;
    private readonly IClusterPeers _remote;
    private readonly IHostResources _resources;
    private readonly ClusterFiles _files;
    private readonly StateDb _db;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Network.SshKey _ssh;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Joined? _joined;

    public ClusterService(HostOptions options, PeerService peers, IClusterPeers remote, IHostResources resources, StateDb db, TimeProvider time, ILoggerFactory logs)
    {
        _options = options;
        _db = db;
        _peers = peers;
        _remote = remote;
        _resources = resources;
        _files = new ClusterFiles(options.StateDir);
        _ssh = new Network.SshKey(options.StateDir);
        _time = time;
        _log = logs.CreateLogger("Hospes.Host.Cluster");
    }

    /// <summary>This host's cluster; null when it is in none.</summary>
    public ClusterConfig? Config => _joined?.Config;

    /// <summary>The cluster's store; null when this host is in no cluster.</summary>
    public IClusterStore? Store => _joined?.Store;

    /// <summary>This host's lease bookkeeping (part 2's fencing times on it); null when in no cluster.</summary>
    public ClusterMembership? Membership => _joined?.Membership;

    public string HostName => _options.HostName;

    /// <summary>At hospesd's start: a member host takes over or starts its etcd member and renews its lease.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (ClusterConfig.Load(_files) is not { } config)
        {
            return;
        }

        _joined = await RunAsync(config, ct).ConfigureAwait(false);
        _joined.Membership.Start();
        _joined.Access.Start();
        _joined.Use.Start();
        _joined.Revocations.Start();
        LogStarted(config.Name, config.ClientUrl);
    }

    /// <summary>`hospes cluster list`: every member host, up or down, with its figures and etcd role.</summary>
    public async Task<Result<IReadOnlyList<ClusterHost>>> ListAsync(CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return error;
        }

        Joined j = _joined!;
        try
        {
            IReadOnlyList<StoreEntry> members = await j.Store.ListAsync(j.Keys.Members, ct).ConfigureAwait(false);
            IReadOnlyList<StoreEntry> alive = await j.Store.ListAsync(j.Keys.Hosts, ct).ConfigureAwait(false);

            // An admin's etcd: its members are not the hosts', and its admin may not let Hospes list them.
            IReadOnlyList<StoreMember> etcd = j.Config.External ? [] : await j.Store.MembersAsync(ct).ConfigureAwait(false);
            StoreStatus status = j.Config.External ? new StoreStatus(0, 0, "") : await j.Store.StatusAsync(ct).ConfigureAwait(false);
            string? leader = Ha.HaLeader.HostOf(await j.Store.GetAsync(j.Keys.Leader, ct).ConfigureAwait(false));
            var frozen = (await j.Store.ListAsync(j.Keys.HaFrozen, ct).ConfigureAwait(false)).Select(e => ClusterKeys.NameOf(e.Key)).ToHashSet(StringComparer.Ordinal);
            var up = alive.ToDictionary(e => ClusterKeys.NameOf(e.Key), e => Read<HostResources>(e.Value), StringComparer.Ordinal);
            return Result.Ok<IReadOnlyList<ClusterHost>>([.. members
                .Select(e => Read<MemberRecord>(e.Value))
                .OfType<MemberRecord>()
                .Select(m => new ClusterHost(m, up.ContainsKey(m.Name), up.GetValueOrDefault(m.Name) ?? m.Resources, j.Config.External ? "external" : Role(m, etcd, status.LeaderId), m.LastSeen) { Leader = m.Name == leader, Frozen = frozen.Contains(m.Name) })]);
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable(e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_joined is { } j)
        {
            await j.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    /// <summary>The role of <paramref name="m"/>'s etcd member, matched by its peer URL (a member not started yet has no name).</summary>
    internal static string Role(MemberRecord m, IReadOnlyList<StoreMember> etcd, ulong leader) =>
        etcd.FirstOrDefault(e => e.PeerUrls.Contains(m.PeerUrl)) is not { } member ? "none"
            : member.Id == leader ? "leader"
            : member.Learner ? "learner"
            : member.Name.Length == 0 ? "starting"
            : "voter";

    internal static T? Read<T>(string json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, HospesJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private HospesError? InCluster() =>
        _joined is null ? HospesError.State("this host is in no cluster; `hospes cluster init` makes one, `hospes cluster join` joins one")
        : _joined.Membership.Removed ? Removed(_joined.Config)
        : null;

    private HospesError Removed(ClusterConfig config) =>
        HospesError.State($"this host ({HostName}) was removed from cluster '{config.Name}' while it was away (`hospes cluster remove {HostName}` on another member): it takes no part in it any more and its VMs stay here; `hospes cluster leave` clears what it kept of the cluster, then `hospes cluster join ADDR:PORT --token T` joins it again");

    /// <summary>The address etcd listens on here: hospesd's --listen address (the first of the host's on a wildcard).</summary>
    private Result<IPAddress> EtcdAddress()
    {
        if (_options.ListenEndpoint is not { } listen)
        {
            return HospesError.State("hospesd on this host does not listen for other hosts, and a cluster's hosts reach each other there; start it with --listen ADDR:PORT");
        }

        if (!listen.Address.Equals(IPAddress.Any) && !listen.Address.Equals(IPAddress.IPv6Any))
        {
            return listen.Address;
        }

        return _peers.ListenAddresses() is [var first, ..] && IPEndPoint.TryParse(first, out IPEndPoint? ep)
            ? ep.Address
            : HospesError.State("hospesd listens on a wildcard address and this host has no other address for etcd; start it with --listen on one address");
    }

    private static string Url(IPAddress address, int port) => "https://" + new IPEndPoint(address, port);

    /// <summary>Starts (or takes over) the etcd member of <paramref name="config"/> (none with an admin's etcd) and its store client.</summary>
    private async Task<Joined> RunAsync(ClusterConfig config, CancellationToken ct)
    {
        EtcdMember? etcd = null;
        if (!config.External)
        {
            ClusterRevocations.EnsureCrl(_files, _time.GetUtcNow());
            etcd = new EtcdMember(_files, config, _log);
            await etcd.StartAsync(ct).ConfigureAwait(false);
        }

        (EtcdGateway store, IReadOnlyList<IDisposable> owned) = Gateway(config);
        var keys = new ClusterKeys(config.Name);
        MemberRecord self = new()
        {
            Name = config.Member,
            Address = _peers.ListenAddresses() is [var listen, ..] ? listen : null,
            Fingerprint = _peers.Identity.Fingerprint,
            PeerUrl = config.PeerUrl,
            ClientUrl = config.ClientUrl,
            JoinedAt = config.JoinedAt,
            CertificateSerial = MemberSerial(),
        };
        // Removed while away: its etcd member is gone from etcd too (etcd would only exit and be started again).
        var membership = new ClusterMembership(store, keys, self, _resources, _time, _log, removed: () => _ = etcd?.StopAsync(), revokedProbe: ct => RemovedSayPeersAsync(config.Name, ct));
        var access = new ClusterAccess(store, keys.Access, _db, config.Member, _time, _log, () => AccessReplaced?.Invoke());
        var use = new ProjectUseSync(store, keys, HostName, _resources.Use, _time, _log);
        var revocations = new ClusterRevocations(store, keys, _files, _time, _log);
        return new Joined(config, etcd, store, keys, membership, access, self, owned) { Use = use, Revocations = revocations };
    }

    /// <summary>Waits until this host's etcd member answers (a new member needs its peers first).</summary>
    private async Task<HospesError?> WaitHealthyAsync(IClusterStore store, ClusterConfig config, CancellationToken ct)
    {
        long started = _time.GetTimestamp();
        string last = "";
        while (_time.GetElapsedTime(started) < HealthyWithin)
        {
            try
            {
                // Its own member, not another that answered while it does not yet (an admin's etcd: any of its URLs).
                if (config.External || (await store.StatusAsync(ct).ConfigureAwait(false)).Endpoint == config.ClientUrl)
                {
                    await store.GetAsync("/hospes/" + config.Name + "/", ct).ConfigureAwait(false);
                    return null;
                }

                last = $"its own member at {config.ClientUrl} does not answer yet";
            }
            catch (ClusterStoreException e)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), _time, ct).ConfigureAwait(false);
        }

        return HospesError.Unavailable($"etcd at {config.ClientUrl} did not become ready within {HealthyWithin.TotalSeconds:0} s ({last}){(config.External ? "" : $"; its log is {_files.EtcdLog}")}");
    }

    private static void WriteSecretFile(string path, string text)
    {
        using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        using var writer = new StreamWriter(file);
        writer.Write(text);
    }

    /// <summary>Makes `&lt;state&gt;/cluster/` (0700) afresh.</summary>
    private void MakeDir()
    {
        if (Directory.Exists(_files.Dir))
        {
            Directory.Delete(_files.Dir, recursive: true);
        }

        Directory.CreateDirectory(_files.Dir);
        File.SetUnixFileMode(_files.Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Forgets the cluster here: what is in `&lt;state&gt;/cluster/` goes (etcd's data with it).</summary>
    private void RemoveDir()
    {
        if (Directory.Exists(_files.Dir))
        {
            Directory.Delete(_files.Dir, recursive: true);
        }
    }

    /// <summary>A running membership: config, etcd member (none with an admin's etcd), store client, lease, access copy.</summary>
    private sealed record Joined(ClusterConfig Config, EtcdMember? Etcd, IClusterStore Store, ClusterKeys Keys, ClusterMembership Membership, ClusterAccess Access, MemberRecord Self, IReadOnlyList<IDisposable> Owned) : IAsyncDisposable
    {
        /// <summary>This host's running VMs in the projects' memory and vCPU limits over the cluster.</summary>
        public required ProjectUseSync Use { get; init; }

        /// <summary>The cluster's revoked hosts: the CRL handed to etcd, the fingerprints the peer channel refuses.</summary>
        public required ClusterRevocations Revocations { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Revocations.DisposeAsync().ConfigureAwait(false);
            await Use.DisposeAsync().ConfigureAwait(false);
            await Access.DisposeAsync().ConfigureAwait(false);
            await Membership.DisposeAsync().ConfigureAwait(false);
            Store.Dispose();
            if (Etcd is not null)
            {
                await Etcd.DisposeAsync().ConfigureAwait(false);
            }
            foreach (IDisposable d in Owned)
            {
                d.Dispose();
            }
        }
    }
}
