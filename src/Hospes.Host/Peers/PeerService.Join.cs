using System.Net;
using Hospes.Core.Errors;
using Hospes.Host.Settings;
using Hospes.Host.State;

namespace Hospes.Host.Peers;

/// <summary>
/// Making trust: B hands out a one-time token (`hospes host token`); A presents it to B over TLS with its own client
/// certificate, pinning B by the fingerprint in the token (`hospes host add`); each side then stores the other.
/// </summary>
internal sealed partial class PeerService
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public Result<PeerToken> CreateToken()
    {
        if (_options.ListenEndpoint is null)
        {
            return HospesError.State("hospesd on this host does not listen for other hosts; start it with --listen ADDR:PORT");
        }

        DateTimeOffset now = _time.GetUtcNow();
        var token = new PeerToken
        {
            Secret = PeerToken.NewSecret(),
            Name = HostName,
            Fingerprint = Identity.Fingerprint,
            Addresses = ListenAddresses(),
            ExpiresAt = now + TokenLifetime,
        };
        _db.InsertPeerToken(PeerToken.HashSecret(token.Secret), now, token.ExpiresAt);
        LogTokenCreated(token.ExpiresAt);
        return token;
    }

    /// <summary>On host A: trust the host at <paramref name="address"/> that printed <paramref name="tokenText"/>, and have it trust A.</summary>
    public async Task<Result<PeerRecord>> AddAsync(string name, string address, string tokenText, CancellationToken ct)
    {
        if (!HostSettings.IsHostName(name))
        {
            return HospesError.Invalid($"host name '{name}': expected 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit");
        }

        Result<string> where = PeerAddress.Parse(address);
        Result<PeerToken> decoded = PeerToken.Decode(tokenText);
        if (!where.IsOk || !decoded.IsOk)
        {
            return where.Error ?? decoded.Error!;
        }

        PeerToken token = decoded.Value;
        if (token.ExpiresAt < _time.GetUtcNow())
        {
            return HospesError.Invalid($"the join token from '{token.Name}' expired at {token.ExpiresAt:u}; run `hospes host token` there again");
        }

        if (string.Equals(token.Fingerprint, Identity.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return HospesError.Invalid("that token was made by this host itself; run `hospes host token` on the other host");
        }

        if (Get(name) is { } taken)
        {
            return HospesError.Conflict($"this host already trusts a host named '{name}' ({taken.Address ?? "no address"}, fingerprint {Short(taken.Fingerprint)}); `hospes host remove {name}` first, or choose another name");
        }

        if (FindByFingerprint(token.Fingerprint) is { } same)
        {
            return HospesError.Conflict($"this host already trusts that host as '{same.Name}' (fingerprint {Short(same.Fingerprint)}); `hospes host remove {same.Name}` first to add it again");
        }

        Result<PeerIdentity> joined = await JoinRemoteAsync(where.Value, token, ct).ConfigureAwait(false);
        if (!joined.IsOk)
        {
            return joined.Error;
        }

        var peer = new PeerRecord(name, where.Value, token.Fingerprint, _time.GetUtcNow());
        if (!_db.TryUpsertPeer(peer))
        {
            return HospesError.Conflict($"host '{name}' or its fingerprint was added here meanwhile; `hospes host list` shows it");
        }

        _connections.Forget(name);
        LogAdded(name, where.Value, token.Fingerprint);
        return peer;
    }

    /// <summary>A field the sender left out or sent as null (JSON lets it, whatever the record's types say).</summary>
    private static bool Missing(string? value) => string.IsNullOrEmpty(value);

    /// <summary>On host B: another host presents a token's secret; its identity is its TLS client certificate.</summary>
    public Result<PeerIdentity> Join(PeerJoin request, string? clientFingerprint, IPAddress? remote)
    {
        string? refusal = clientFingerprint is null ? "the joining host presented no TLS client certificate"
            : Missing(request.Name) || !HostSettings.IsHostName(request.Name) ? $"its name '{request.Name}' is not a valid host name"
            : Missing(request.Secret) ? "it sent no token secret"
            : string.Equals(clientFingerprint, Identity.Fingerprint, StringComparison.OrdinalIgnoreCase) ? "a host cannot join itself"
            : request.Address is not null && !PeerAddress.Parse(request.Address).IsOk ? $"its address '{request.Address}' is not HOST:PORT"
            : null;
        if (refusal is not null)
        {
            LogJoinRefused(remote?.ToString(), refusal);
            return HospesError.Invalid($"join refused: {refusal}");
        }

        var peer = new PeerRecord(request.Name, PeerAddress.Resolve(request.Address, remote), clientFingerprint!, _time.GetUtcNow());
        PeerJoinOutcome outcome = _db.RedeemPeerToken(PeerToken.HashSecret(request.Secret), _time.GetUtcNow(), peer);
        HospesError? error = outcome switch
        {
            PeerJoinOutcome.UnknownToken => HospesError.Invalid($"host '{HostName}' refused the join token: it is unknown there or was already used; run `hospes host token` on '{HostName}' again"),
            PeerJoinOutcome.ExpiredToken => HospesError.Invalid($"host '{HostName}' refused the join token: it has expired; run `hospes host token` on '{HostName}' again"),
            PeerJoinOutcome.Clash => Clash(peer),
            _ => null,
        };
        if (error is not null)
        {
            LogJoinRefused(remote?.ToString(), error.Message);
            return error;
        }

        _connections.Forget(peer.Name);
        LogJoined(peer.Name, peer.Address, peer.Fingerprint);
        return Self;
    }

    private HospesError Clash(PeerRecord joining) =>
        Get(joining.Name) is { } named && named.Fingerprint != joining.Fingerprint
            ? HospesError.Conflict($"host '{HostName}' already trusts another host named '{joining.Name}' (fingerprint {Short(named.Fingerprint)}); run `hospes host remove {joining.Name}` on '{HostName}' first, or give the joining hospesd another --host-name")
            : HospesError.Conflict($"host '{HostName}' already trusts the joining host as '{FindByFingerprint(joining.Fingerprint)?.Name}'; run `hospes host remove` for it on '{HostName}' first");

    private async Task<Result<PeerIdentity>> JoinRemoteAsync(string address, PeerToken token, CancellationToken ct)
    {
        var join = new PeerJoin(token.Secret, HostName, _options.ListenEndpoint?.ToString());
        Result<PeerIdentity> answer = await _connections.JoinAsync(address, token, join, ct).ConfigureAwait(false);
        return !answer.IsOk || string.Equals(answer.Value.Fingerprint, token.Fingerprint, StringComparison.OrdinalIgnoreCase)
            ? answer
            : HospesError.State($"the host at {address} answered the join with another fingerprint than its certificate's; nothing was added");
    }

    private static string Short(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..16] : fingerprint;
}
