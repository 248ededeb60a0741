using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host.Tests.Peers;

/// <summary>Other hosts as a test scripts them: what a join and a hello answer; records what was asked and forgotten.</summary>
internal sealed class FakePeerConnections : IPeerConnections
{
    private readonly ConcurrentQueue<(string Address, PeerToken Token, PeerJoin Join)> _joins = new();
    private readonly ConcurrentQueue<PeerRecord> _hellos = new();
    private readonly ConcurrentQueue<string> _forgotten = new();

    /// <summary>By default the host the token names answers as itself.</summary>
    public Func<string, PeerToken, PeerJoin, Result<PeerIdentity>> Join { get; set; } = (_, token, _) => new PeerIdentity(token.Name, token.Fingerprint);

    public Func<PeerRecord, Result<PeerIdentity>> Hello { get; set; } = p => new PeerIdentity(p.Name, p.Fingerprint);

    public IReadOnlyList<(string Address, PeerToken Token, PeerJoin Join)> Joins => [.. _joins];

    public IReadOnlyList<PeerRecord> Hellos => [.. _hellos];

    public IReadOnlyList<string> Forgotten => [.. _forgotten];

    public bool Disposed { get; private set; }

    public Task<Result<PeerIdentity>> JoinAsync(string address, PeerToken token, PeerJoin join, CancellationToken ct)
    {
        _joins.Enqueue((address, token, join));
        return Task.FromResult(Join(address, token, join));
    }

    public Task<Result<PeerIdentity>> HelloAsync(PeerRecord peer, CancellationToken ct)
    {
        _hellos.Enqueue(peer);
        return Task.FromResult(Hello(peer));
    }

    public void Forget(string name) => _forgotten.Enqueue(name);

    public void Dispose() => Disposed = true;
}
