using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Peers;

/// <summary>
/// Trust between hosts: this host's certificate, the hosts it trusts (pinned by certificate fingerprint) and
/// connections to reach them. Trust is always mutual and made with a one-time token (PeerService.Join.cs).
/// </summary>
internal sealed partial class PeerService : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly HostOptions _options;
    private readonly StateDb _db;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Lazy<PeerApi>> _clients = new(StringComparer.Ordinal);

    public PeerService(HostOptions options, StateDb db, TimeProvider time, ILoggerFactory logs)
    {
        _options = options;
        _db = db;
        _time = time;
        _log = logs.CreateLogger("Hospes.Host.Peers");
        Identity = HostCertificate.LoadOrCreate(options.TlsDir, options.HostName, time.GetUtcNow());
    }

    public HostCertificate Identity { get; }

    public string HostName => _options.HostName;

    public IReadOnlyList<HostPeerInfo> List() => [.. _db.LoadPeers().Select(Info)];

    public PeerRecord? Get(string name) => _db.LoadPeers().FirstOrDefault(p => p.Name == name);

    public PeerRecord? FindByFingerprint(string fingerprint) =>
        _db.LoadPeers().FirstOrDefault(p => string.Equals(p.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase));

    /// <summary>Forgets a host here only; the other host still lists this one until it removes it too.</summary>
    public Result<HostPeerInfo> Remove(string name)
    {
        if (Get(name) is not { } peer || !_db.DeletePeer(name))
        {
            return NoSuchPeer(name);
        }

        Forget(name);
        LogRemoved(name);
        return Info(peer);
    }

    /// <summary>
    /// The peer API of a trusted host: https://ADDRESS/, this host's certificate as client certificate, the server
    /// accepted by its pinned fingerprint only (its name and issuer do not matter). One per host, kept.
    /// </summary>
    public Result<PeerApi> Client(string peerName)
    {
        if (Get(peerName) is not { } peer)
        {
            return NoSuchPeer(peerName);
        }

        if (peer.Address is null)
        {
            return HospesError.State($"host '{peerName}' did not say where it listens (its hospesd has no --listen), so this host cannot reach it; start it with --listen ADDR:PORT, then `hospes host remove {peerName}` and `hospes host add` it again");
        }

        string key = $"{peer.Name}\n{peer.Address}\n{peer.Fingerprint}";
        Lazy<PeerApi> client = _clients.GetOrAdd(key, _ => new Lazy<PeerApi>(() => NewClient(peer.Address, peer.Fingerprint, null)));
        return client.Value;
    }

    /// <summary>Where this host tells others it listens: its --listen, or each address of the host on a wildcard.</summary>
    public IReadOnlyList<string> ListenAddresses()
    {
        if (_options.ListenEndpoint is not { } listen)
        {
            return [];
        }

        if (!listen.Address.Equals(IPAddress.Any) && !listen.Address.Equals(IPAddress.IPv6Any))
        {
            return [listen.ToString()];
        }

        return [.. NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus != OperationalStatus.Down && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal && (listen.Address.Equals(IPAddress.IPv6Any) || a.AddressFamily == listen.AddressFamily))
            .Select(a => new IPEndPoint(a, listen.Port).ToString())];
    }

    public void Dispose()
    {
        foreach (Lazy<PeerApi> client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        Identity.Dispose();
    }

    private static HospesError NoSuchPeer(string name) =>
        HospesError.NotFound($"no host named '{name}'; `hospes host list` shows the hosts this one trusts, `hospes host add` adds one");

    private static HostPeerInfo Info(PeerRecord p) => new() { Name = p.Name, Address = p.Address, Fingerprint = p.Fingerprint, AddedAt = p.AddedAt };

    private void Forget(string name)
    {
        foreach (string key in _clients.Keys.Where(k => k.StartsWith(name + "\n", StringComparison.Ordinal)))
        {
            if (_clients.TryRemove(key, out Lazy<PeerApi>? client) && client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }
    }

    /// <param name="seen">Told the fingerprint the server presented, so a mismatch can name it.</param>
    private PeerApi NewClient(string address, string fingerprint, Action<string>? seen) =>
        PeerApi.Connect(address, fingerprint, Identity.Certificate, RequestTimeout, seen);
}
