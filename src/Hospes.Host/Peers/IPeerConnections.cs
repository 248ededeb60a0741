using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Peers;

/// <summary>
/// This host's calls to other hosts' peer API (TLS, this host's certificate as client certificate, the other's pinned
/// by fingerprint). Every failure comes back as an error that names the host and what to do.
/// </summary>
internal interface IPeerConnections : IDisposable
{
    /// <summary>
    /// Presents <paramref name="join"/> to the hospesd at <paramref name="address"/>, accepting only the certificate
    /// <paramref name="token"/> names. Its answer says who it is.
    /// </summary>
    Task<Result<PeerIdentity>> JoinAsync(string address, PeerToken token, PeerJoin join, CancellationToken ct);

    /// <summary>Asks a trusted host (one with an address) who it is, over the connection kept for it.</summary>
    Task<Result<PeerIdentity>> HelloAsync(PeerRecord peer, CancellationToken ct);

    /// <summary>The trust in host <paramref name="name"/> changed: a connection kept for it is closed.</summary>
    void Forget(string name);
}
