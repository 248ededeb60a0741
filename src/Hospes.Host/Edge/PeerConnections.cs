using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>
/// Other hosts' peer API over Hospes.Client: https://ADDRESS/, this host's certificate as client certificate, the
/// server accepted by its pinned fingerprint only (its name and issuer do not matter). One connection per trusted
/// host, kept; a join gets its own.
/// </summary>
internal sealed class PeerConnections(HostCertificate identity) : IPeerConnections
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Lazy<PeerApi>> _clients = new(StringComparer.Ordinal);

    /// <summary>The peer API of a trusted host that said where it listens (<see cref="PeerService.Reachable"/>).</summary>
    public PeerApi Api(PeerRecord peer)
    {
        string address = peer.Address ?? throw new ArgumentException($"host '{peer.Name}' has no address", nameof(peer));
        string key = $"{peer.Name}\n{address}\n{peer.Fingerprint}";
        return _clients.GetOrAdd(key, _ => new Lazy<PeerApi>(() => NewClient(address, peer.Fingerprint, null))).Value;
    }

    public async Task<Result<PeerIdentity>> JoinAsync(string address, PeerToken token, PeerJoin join, CancellationToken ct)
    {
        string? presented = null;
        using PeerApi peer = NewClient(address, token.Fingerprint, f => presented = f);
        var request = new PeerJoinRequest { Secret = join.Secret, Name = join.Name, Address = join.Address };
        try
        {
            return Identity(await peer.JoinAsync(request, ct).ConfigureAwait(false));
        }
        catch (HospesApiException e) when (e.Delivery == Delivery.Answered)
        {
            string message = e.HasErrorBody ? e.Message : $"the host at {address} answered {(int?)e.Status} {e.Reason}; is that a Hospes host's --listen address?";
            return e.Status == HttpStatusCode.Conflict ? HospesError.Conflict(message) : HospesError.Invalid(message);
        }
        catch (HospesApiException) when (presented is not null && !string.Equals(presented, token.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return HospesError.Invalid($"the host at {address} presented a certificate with fingerprint {presented}, but the token is for '{token.Name}' with fingerprint {token.Fingerprint}; check the address, or run `hospes host token` on the host at {address}");
        }
        catch (HospesApiException e) when (e.TimedOut)
        {
            return new HospesError(ErrorCode.Timeout, $"hospesd at {address} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }
        catch (HospesApiException e)
        {
            Exception failure = e.InnerException ?? e;
            string why = failure.InnerException is AuthenticationException auth ? $"TLS failed: {auth.Message}" : failure.InnerException?.Message ?? failure.Message;
            return HospesError.Unavailable($"cannot reach hospesd at {address}: {why}; is it started with --listen, and is the port open from here?");
        }
    }

    public async Task<Result<PeerIdentity>> HelloAsync(PeerRecord peer, CancellationToken ct)
    {
        string name = peer.Name;
        try
        {
            return Identity(await Api(peer).HelloAsync(ct).ConfigureAwait(false));
        }
        catch (HospesApiException e) when (e.Delivery == Delivery.Answered)
        {
            return HospesError.State($"host '{name}' refused: {(e.HasErrorBody ? e.Message : e.Status.ToString())}");
        }
        catch (HospesApiException e) when (e.TimedOut)
        {
            return new HospesError(ErrorCode.Timeout, $"host '{name}' did not answer in time");
        }
        catch (HospesApiException e)
        {
            Exception failure = e.InnerException ?? e;
            return HospesError.Unavailable($"cannot reach host '{name}': {failure.InnerException?.Message ?? failure.Message}");
        }
    }

    public void Forget(string name)
    {
        foreach (string key in _clients.Keys.Where(k => k.StartsWith(name + "\n", StringComparison.Ordinal)))
        {
            if (_clients.TryRemove(key, out Lazy<PeerApi>? client) && client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (Lazy<PeerApi> client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private static PeerIdentity Identity(PeerJoinResponse answer) => new(answer.Name, answer.Fingerprint);

    /// <param name="seen">Told the fingerprint the server presented, so a mismatch can name it.</param>
    private PeerApi NewClient(string address, string fingerprint, Action<string>? seen) =>
        PeerApi.Connect(address, fingerprint, identity.Certificate, RequestTimeout, seen);
}
