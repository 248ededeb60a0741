using System.Net;
using Hospes.Core.Errors;
using Hospes.Host.Peers;
using Hospes.Host.State;
using Hospes.Host.Tests.Migration;

namespace Hospes.Host.Tests.Peers;

/// <summary>
/// Trust between two hosts in memory: B hands out a token, A presents it (`hospes host add`), B redeems it (join). The
/// other host's network calls are faked, or routed straight to the other host's service.
/// </summary>
public sealed class PeerServiceTests : IDisposable
{
    private readonly ManualTime _time = new();
    private readonly PeerHost _a;
    private readonly PeerHost _b;

    public PeerServiceTests()
    {
        _a = new PeerHost("host-a", _time, listen: "0.0.0.0:8443");
        _b = new PeerHost("host-b", _time);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task AddWithAToken_MakesTrustMutual()
    {
        _a.Reaches(_b, from: "192.0.2.1");

        Result<PeerRecord> added = await _a.Service.AddAsync("b", "192.0.2.2:8443", Token(), CancellationToken.None);

        Assert.True(added.IsOk, added.Error?.Message);
        Assert.Equal(new PeerRecord("b", "192.0.2.2:8443", _b.Fingerprint, _time.GetUtcNow()), Assert.Single(_a.Service.List()));
        Assert.Equal(new PeerRecord("host-a", "192.0.2.1:8443", _a.Fingerprint, _time.GetUtcNow()), Assert.Single(_b.Service.List()));
        (string address, PeerToken token, PeerJoin join) = Assert.Single(_a.Connections.Joins);
        Assert.Equal(("192.0.2.2:8443", _b.Fingerprint, "host-a", "0.0.0.0:8443"), (address, token.Fingerprint, join.Name, join.Address));
        Assert.Equal(["b"], _a.Connections.Forgotten);
        Assert.Equal(["host-a"], _b.Connections.Forgotten);
    }

    [Fact]
    public void Join_WithATokenNeverIssued_IsRefused()
    {
        Result<PeerIdentity> joined = _b.Service.Join(new PeerJoin(PeerToken.NewSecret(), "host-a", null), _a.Fingerprint, IPAddress.Loopback);

        Assert.Equal(ErrorCode.InvalidArgument, joined.Error!.Code);
        Assert.Equal("host 'host-b' refused the join token: it is unknown there or was already used; run `hospes host token` on 'host-b' again", joined.Error.Message);
        Assert.Empty(_b.Service.List());
    }

    [Theory]
    [InlineData(null, "host-a", "join refused: it sent no token secret")]
    [InlineData("", "host-a", "join refused: it sent no token secret")]
    [InlineData("c2VjcmV0", null, "join refused: its name '' is not a valid host name")]
    public void Join_WithoutASecretOrAName_IsRefused_NotACrash(string? secret, string? name, string message)
    {
        _ = _b.Service.CreateToken().Value;

        Result<PeerIdentity> joined = _b.Service.Join(new PeerJoin(secret!, name!, null), _a.Fingerprint, IPAddress.Loopback);

        Assert.Equal(ErrorCode.InvalidArgument, joined.Error!.Code);
        Assert.Equal(message, joined.Error.Message);
        Assert.Empty(_b.Service.List());
    }

    [Fact]
    public void Join_WithAnExpiredToken_IsRefused()
    {
        PeerToken token = _b.Service.CreateToken().Value;
        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Result<PeerIdentity> joined = _b.Service.Join(new PeerJoin(token.Secret, "host-a", null), _a.Fingerprint, IPAddress.Loopback);

        Assert.Equal("host 'host-b' refused the join token: it has expired; run `hospes host token` on 'host-b' again", joined.Error!.Message);
        Assert.Empty(_b.Service.List());
    }

    [Fact]
    public void Join_WithATokenUsedBefore_IsRefused()
    {
        PeerToken token = _b.Service.CreateToken().Value;
        Assert.True(_b.Service.Join(new PeerJoin(token.Secret, "host-a", null), _a.Fingerprint, IPAddress.Loopback).IsOk);
        using var c = new PeerHost("host-c", _time);

        Result<PeerIdentity> again = _b.Service.Join(new PeerJoin(token.Secret, "host-c", null), c.Fingerprint, IPAddress.Loopback);

        Assert.Equal("host 'host-b' refused the join token: it is unknown there or was already used; run `hospes host token` on 'host-b' again", again.Error!.Message);
        Assert.Equal(["host-a"], _b.Service.List().Select(p => p.Name));
    }

    [Fact]
    public void Join_UnderANameTrustedForAnotherHost_IsAClash_AndKeepsTheToken()
    {
        Assert.True(_b.Service.Join(new PeerJoin(_b.Service.CreateToken().Value.Secret, "host-a", null), _a.Fingerprint, IPAddress.Loopback).IsOk);
        using var impostor = new PeerHost("host-a", _time);
        PeerToken token = _b.Service.CreateToken().Value;

        Result<PeerIdentity> clash = _b.Service.Join(new PeerJoin(token.Secret, "host-a", null), impostor.Fingerprint, IPAddress.Loopback);

        Assert.Equal(ErrorCode.Conflict, clash.Error!.Code);
        Assert.Equal(
            $"host 'host-b' already trusts another host named 'host-a' (fingerprint {_a.Fingerprint[..16]}); run `hospes host remove host-a` on 'host-b' first, or give the joining hospesd another --host-name",
            clash.Error.Message);
        Assert.Equal(_a.Fingerprint, Assert.Single(_b.Service.List()).Fingerprint);
        Assert.True(_b.Service.Join(new PeerJoin(token.Secret, "host-a2", null), impostor.Fingerprint, IPAddress.Loopback).IsOk);
    }

    [Fact]
    public void Join_OfAHostTrustedUnderAnotherName_IsAClash()
    {
        Assert.True(_b.Service.Join(new PeerJoin(_b.Service.CreateToken().Value.Secret, "host-a", null), _a.Fingerprint, IPAddress.Loopback).IsOk);

        Result<PeerIdentity> clash = _b.Service.Join(new PeerJoin(_b.Service.CreateToken().Value.Secret, "renamed", null), _a.Fingerprint, IPAddress.Loopback);

        Assert.Equal("host 'host-b' already trusts the joining host as 'host-a'; run `hospes host remove` for it on 'host-b' first", clash.Error!.Message);
    }

    [Theory]
    [InlineData(null, "host-a", "join refused: the joining host presented no TLS client certificate")]
    [InlineData("self", "host-a", "join refused: a host cannot join itself")]
    [InlineData("a", "no spaces", "join refused: its name 'no spaces' is not a valid host name")]
    public void Join_WithoutAUsableIdentity_IsRefused_AndKeepsTheToken(string? who, string name, string message)
    {
        PeerToken token = _b.Service.CreateToken().Value;
        string? fingerprint = who switch { "self" => _b.Fingerprint, "a" => _a.Fingerprint, _ => null };

        Result<PeerIdentity> joined = _b.Service.Join(new PeerJoin(token.Secret, name, null), fingerprint, IPAddress.Loopback);

        Assert.Equal(message, joined.Error!.Message);
        Assert.True(_b.Service.Join(new PeerJoin(token.Secret, "host-a", null), _a.Fingerprint, IPAddress.Loopback).IsOk);
    }

    [Fact]
    public async Task Add_WithAnExpiredToken_IsRefused_BeforeTheHostIsCalled()
    {
        string token = Token();
        _time.Advance(TimeSpan.FromHours(2));

        Result<PeerRecord> added = await _a.Service.AddAsync("b", "192.0.2.2:8443", token, CancellationToken.None);

        Assert.StartsWith("the join token from 'host-b' expired at ", added.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(_a.Connections.Joins);
    }

    [Fact]
    public async Task Add_WithItsOwnToken_IsRefused()
    {
        Result<PeerRecord> added = await _b.Service.AddAsync("b", "192.0.2.2:8443", Token(), CancellationToken.None);

        Assert.Equal("that token was made by this host itself; run `hospes host token` on the other host", added.Error!.Message);
        Assert.Empty(_b.Connections.Joins);
    }

    [Fact]
    public async Task Add_UnderANameTakenHere_IsAClash_BeforeTheHostIsCalled()
    {
        _a.Reaches(_b);
        Assert.True((await _a.Service.AddAsync("b", "192.0.2.2:8443", Token(), CancellationToken.None)).IsOk);
        using var c = new PeerHost("host-c", _time);

        Result<PeerRecord> added = await _a.Service.AddAsync("b", "192.0.2.3:8443", c.Service.CreateToken().Value.Encode(), CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, added.Error!.Code);
        Assert.StartsWith("this host already trusts a host named 'b' (192.0.2.2:8443, fingerprint ", added.Error.Message, StringComparison.Ordinal);
        Assert.Single(_a.Connections.Joins);
    }

    [Fact]
    public async Task Add_WhenTheHostRefuses_AddsNothing_AndSaysWhy()
    {
        _a.Connections.Join = (_, _, _) => HospesError.Invalid("host 'host-b' refused the join token: it has expired; run `hospes host token` on 'host-b' again");

        Result<PeerRecord> added = await _a.Service.AddAsync("b", "192.0.2.2:8443", Token(), CancellationToken.None);

        Assert.Equal("host 'host-b' refused the join token: it has expired; run `hospes host token` on 'host-b' again", added.Error!.Message);
        Assert.Empty(_a.Service.List());
    }

    [Fact]
    public async Task Add_WhenTheAnswerNamesAnotherFingerprint_AddsNothing()
    {
        _a.Connections.Join = (_, token, _) => new PeerIdentity(token.Name, new string('0', 64));

        Result<PeerRecord> added = await _a.Service.AddAsync("b", "192.0.2.2:8443", Token(), CancellationToken.None);

        Assert.Equal("the host at 192.0.2.2:8443 answered the join with another fingerprint than its certificate's; nothing was added", added.Error!.Message);
        Assert.Empty(_a.Service.List());
    }

    [Fact]
    public async Task Check_AsksATrustedHostOverItsConnection_AndOneWithoutAddressIsUnreachable()
    {
        _b.Reaches(_a);
        using var quiet = new PeerHost("quiet", _time, listen: null);
        Assert.True(_b.Service.Join(new PeerJoin(_b.Service.CreateToken().Value.Secret, "quiet", null), quiet.Fingerprint, IPAddress.Loopback).IsOk);
        Assert.True(_b.Service.Join(new PeerJoin(_b.Service.CreateToken().Value.Secret, "host-a", "192.0.2.1:8443"), _a.Fingerprint, IPAddress.Loopback).IsOk);

        Assert.Equal(new PeerIdentity("host-a", _a.Fingerprint), (await _b.Service.CheckAsync("host-a", CancellationToken.None)).Value);
        Assert.Equal("192.0.2.1:8443", Assert.Single(_b.Connections.Hellos).Address);
        Assert.StartsWith("host 'quiet' did not say where it listens", (await _b.Service.CheckAsync("quiet", CancellationToken.None)).Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.NotFound, (await _b.Service.CheckAsync("nobody", CancellationToken.None)).Error!.Code);
    }

    [Fact]
    public void Remove_ForgetsTheHostAndItsConnection()
    {
        Assert.True(_b.Service.Join(new PeerJoin(_b.Service.CreateToken().Value.Secret, "host-a", null), _a.Fingerprint, IPAddress.Loopback).IsOk);

        Assert.Equal("host-a", _b.Service.Remove("host-a").Value.Name);

        Assert.Empty(_b.Service.List());
        Assert.Equal(["host-a", "host-a"], _b.Connections.Forgotten);
        Assert.Equal("no host named 'host-a'; `hospes host list` shows the hosts this one trusts, `hospes host add` adds one", _b.Service.Remove("host-a").Error!.Message);
    }

    /// <summary>A token host-b printed (`hospes host token`).</summary>
    private string Token() => _b.Service.CreateToken().Value.Encode();
}
