using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Forwarding;
using Hospes.Host.Peers;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Edge;

/// <summary>
/// A request for a VM another member owns goes there (issue 17): which host, the pinned TLS connection to it (this
/// host's certificate as client certificate, its fingerprint from its `members/` key), and the caller's identity in an
/// envelope the owner checks again. On the owner: the envelope believed from a member's certificate only.
/// </summary>
public sealed partial class ClusterForwarding : IDisposable
{
    public const string EnvelopeHeader = ForwardEnvelope.Header;
    private static readonly TimeSpan ConnectWithin = TimeSpan.FromSeconds(5);
    private readonly ClusterService _cluster;
    private readonly HostCertificate _identity;
    private readonly StateDb _db;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _clients = new(StringComparer.Ordinal);

    internal ClusterForwarding(ClusterService cluster, HostCertificate identity, StateDb db, TimeProvider time, ILoggerFactory logs)
    {
        _cluster = cluster;
        _identity = identity;
        _db = db;
        _time = time;
        _log = logs.CreateLogger("Hospes.Host.Cluster.Forwarding");
    }

    /// <summary>Whether this host is in a cluster (else nothing is forwarded, listed from elsewhere or placed).</summary>
    public bool InCluster => _cluster.IsMember;

    public string HostName => _cluster.HostName;

    /// <summary>Null: VM <paramref name="vm"/> is this host's business (or no one's); else the member that owns it, or why it cannot be reached.</summary>
    public async Task<Result<ForwardHost>?> OwnerAsync(string vm, CancellationToken ct)
    {
        Result<RemoteOwner>? owner = await _cluster.OwnerElsewhereAsync(vm, ct).ConfigureAwait(false);
        if (owner is not { } found)
        {
            return null;
        }

        return found.IsOk ? Target(found.Value, $"VM '{vm}'") : found.Error;
    }

    /// <summary>The pinned HTTPS client for <paramref name="host"/> (kept; no overall time limit, so a stream may last).</summary>
    public HttpClient Client(ForwardHost host)
    {
        string key = $"{host.Name}\n{host.Address}\n{host.Fingerprint}";
        return _clients.GetOrAdd(key, _ => new Lazy<HttpClient>(() => NewClient(host))).Value;
    }

    /// <summary>The envelope of <paramref name="caller"/>, for the header <see cref="EnvelopeHeader"/>.</summary>
    public string EnvelopeOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Principal p = caller.Principal;
        IReadOnlyList<string> groups = p.Kind == PrincipalKind.LocalAdmin ? []
            : [.. _db.LoadGroups().Where(g => g.Value.Contains(p.User)).Select(g => g.Key)];
        return new ForwardEnvelope
        {
            User = p.User,
            Kind = p.Kind switch { PrincipalKind.LocalAdmin => "local-admin", PrincipalKind.Token => "token", _ => "user" },
            TokenName = p.TokenName,
            PrivilegeSeparated = p.PrivilegeSeparated,
            Groups = groups,
            Origin = HostName,
            Source = caller.Source,
            AccessVersion = _cluster.AccessVersion,
        }.Encode();
    }

    /// <summary>
    /// On the owner: the caller a forwarded request names, believed only from a member's certificate. The user must
    /// exist here and be usable; roles and ACL are this host's, as if the user had called it. A local admin there (root
    /// on its unix socket) is one here: each member holds the cluster's CA key and etcd already.
    /// </summary>
    public async Task<Result<Caller>> CallerOfAsync(X509Certificate2? certificate, string header, string address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(header);
        string fingerprint = certificate is null ? "" : HostCertificate.FingerprintOf(certificate);
        MemberRecord? member;
        try
        {
            member = fingerprint.Length == 0 ? null : await _cluster.MemberByFingerprintAsync(fingerprint, ct).ConfigureAwait(false);
        }
        catch (Hospes.Host.Cluster.Store.ClusterStoreException e)
        {
            return HospesError.Unavailable($"a forwarded request from {address}: cannot check that its certificate is a cluster member's: {e.Message}");
        }

        if (member is null || member.Name == HostName)
        {
            string who = certificate is null ? "no client certificate" : $"a certificate ({fingerprint}) that is not a member host's of this cluster";
            LogEnvelopeRefused(address, who);
            return HospesError.Forbidden($"header {EnvelopeHeader} (a request forwarded by another host) is taken only from a member host of this host's cluster over its peer connection; this request from {address} has {who}");
        }

        if (ForwardEnvelope.Decode(header) is not { } envelope || envelope.Origin != member.Name)
        {
            LogEnvelopeRefused(address, $"a malformed envelope or one that names another host than {member.Name}");
            return HospesError.Forbidden($"header {EnvelopeHeader} from host '{member.Name}' is malformed or names another host as its origin");
        }

        // What the forwarding host knew counts here: a grant made through it, then used through it, is not refused by an owner still on the copy before.
        await _cluster.CatchUpAccessAsync(envelope.AccessVersion, ct).ConfigureAwait(false);
        string source = $"{envelope.Source ?? "?"} via {member.Name}";
        if (envelope.Kind == "local-admin")
        {
            return new Caller(Principal.LocalAdmin($"{envelope.User}@{member.Name}"), source);
        }

        Result<Principal> user = Credentials.Session(envelope.User, _db.FindUser(envelope.User), _time.GetUtcNow());
        if (!user.IsOk)
        {
            return HospesError.Unauthenticated($"a request forwarded by host '{member.Name}' for user {envelope.User}: on host '{HostName}' {user.Error.Message}");
        }

        Principal principal = envelope.Kind == "token"
            ? Principal.OfToken(envelope.User, envelope.TokenName!, envelope.PrivilegeSeparated)
            : Principal.OfUser(envelope.User);
        return new Caller(principal, source);
    }

    public void Dispose()
    {
        _sweepStop.Cancel();
        try
        {
            _sweep?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The sweep's end is no concern of the host's.
        }

        _sweepStop.Dispose();
        foreach (Lazy<HttpClient> client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private Result<ForwardHost> Target(RemoteOwner owner, string what)
    {
        MemberRecord m = owner.Member;
        if (!owner.Up)
        {
            string since = m.LastSeen is { } seen
                ? string.Create(CultureInfo.InvariantCulture, $" since {seen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({(_time.GetUtcNow() - seen).TotalSeconds:0} s ago)")
                : "";
            return HospesError.Unavailable($"{what} is on host '{m.Name}', which is down{since}; it answers for its VMs once it is back (`hospes cluster list` shows the hosts)");
        }

        return m.Address is { } address
            ? new ForwardHost(m.Name, address, m.Fingerprint)
            : HospesError.Unavailable($"{what} is on host '{m.Name}', which did not say where it listens");
    }

    private HttpClient NewClient(ForwardHost host)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectWithin,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            SslOptions =
            {
                ClientCertificates = [_identity.Certificate],
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && string.Equals(HostCertificate.FingerprintOf(cert), host.Fingerprint, StringComparison.OrdinalIgnoreCase),
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{host.Address}/"), Timeout = Timeout.InfiniteTimeSpan };
    }
}
