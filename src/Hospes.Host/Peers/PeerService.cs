using System.Net;
using System.Net.NetworkInformation;
using Hospes.Core.Errors;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Peers;

/// <summary>
/// Trust between hosts: this host's certificate, the hosts it trusts (pinned by certificate fingerprint) and how to
/// reach them. Trust is always mutual and made with a one-time token (PeerService.Join.cs).
/// </summary>
internal sealed partial class PeerService : IDisposable
{
    private readonly HostOptions _options;
    private readonly StateDb _db;
    private readonly IPeerConnections _connections;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <param name="identity">This host's certificate; the service owns it from here, as it owns <paramref name="connections"/>.</param>
    public PeerService(HostOptions options, StateDb db, HostCertificate identity, IPeerConnections connections, TimeProvider time, ILoggerFactory logs)
    {
        _options = options;
        _db = db;
        _connections = connections;
        _time = time;
        _log = logs.CreateLogger("Hospes.Host.Peers");
        Identity = identity;
    }

    public HostCertificate Identity { get; }

    public string HostName => _options.HostName;

    /// <summary>Who this host is, as told to other hosts (hello).</summary>
    public PeerIdentity Self => new(HostName, Identity.Fingerprint);

    public IReadOnlyList<PeerRecord> List() => _db.LoadPeers();

    public PeerRecord? Get(string name) => _db.LoadPeers().FirstOrDefault(p => p.Name == name);

    public PeerRecord? FindByFingerprint(string fingerprint) =>
        _db.LoadPeers().FirstOrDefault(p => string.Equals(p.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase));

    /// <summary>Forgets a host here only; the other host still lists this one until it removes it too.</summary>
    public Result<PeerRecord> Remove(string name)
    {
        if (Get(name) is not { } peer || !_db.DeletePeer(name))
        {
            return NoSuchPeer(name);
        }

        _connections.Forget(name);
        LogRemoved(name);
        return peer;
    }

    /// <summary>A trusted host this host can reach: it is known here and said where it listens.</summary>
    public Result<PeerRecord> Reachable(string peerName)
    {
        if (Get(peerName) is not { } peer)
        {
            return NoSuchPeer(peerName);
        }

        if (peer.Address is null)
        {
            return HospesError.State($"host '{peerName}' did not say where it listens (its hospesd has no --listen), so this host cannot reach it; start it with --listen ADDR:PORT, then `hospes host remove {peerName}` and `hospes host add` it again");
        }

        return peer;
    }

    /// <summary>Reaches a trusted host over its pinned TLS connection and asks who it is.</summary>
    public async Task<Result<PeerIdentity>> CheckAsync(string peerName, CancellationToken ct)
    {
        Result<PeerRecord> peer = Reachable(peerName);
        return peer.IsOk ? await _connections.HelloAsync(peer.Value, ct).ConfigureAwait(false) : peer.Error;
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
        _connections.Dispose();
        Identity.Dispose();
    }

    private static HospesError NoSuchPeer(string name) =>
        HospesError.NotFound($"no host named '{name}'; `hospes host list` shows the hosts this one trusts, `hospes host add` adds one");
}
