using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Host.Memory;
using Hospes.Host.Peers;
using Hospes.Host.Settings;
using Hospes.Host.State;

namespace Hospes.Host.Tests.Peers;

public sealed class PeerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("hpeer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Token_RoundTrips_AndItsTextStartsWithThePrefix()
    {
        var token = new PeerToken
        {
            Secret = PeerToken.NewSecret(),
            Name = "host-b",
            Fingerprint = new string('a', 64),
            Addresses = ["203.0.113.2:8443", "[2001:db8::2]:8443"],
            ExpiresAt = Now.AddHours(1),
        };
        string text = token.Encode();

        Assert.StartsWith("hospes1.", text, StringComparison.Ordinal);
        Assert.DoesNotContain('=', text);
        PeerToken back = PeerToken.Decode("  " + text + "\n").Value;
        Assert.Equal((token.Secret, token.Name, token.Fingerprint, token.ExpiresAt), (back.Secret, back.Name, back.Fingerprint, back.ExpiresAt));
        Assert.Equal(token.Addresses, back.Addresses);
        Assert.Equal(43, token.Secret.Length);
    }

    [Theory]
    [InlineData("garbage", "not a Hospes join token: it should start with 'hospes1.'")]
    [InlineData("hospes2.eyJ9", "not a Hospes join token")]
    [InlineData("hospes1.", "the join token is damaged")]
    [InlineData("hospes1.!!!not-base64", "the join token is damaged")]
    [InlineData("hospes1.eyJuYW1lIjoiYiJ9", "the join token is damaged")]
    public void Token_Garbage_IsRefusedWithAReason(string text, string reason)
    {
        Assert.StartsWith(reason, PeerToken.Decode(text).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_CutShort_IsRefused()
    {
        string text = new PeerToken { Secret = "s", Name = "b", Fingerprint = new string('a', 64) }.Encode();
        Assert.False(PeerToken.Decode(text[..^6]).IsOk);
    }

    [Fact]
    public void SecretHash_IsSha256OfTheSecretsText()
    {
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", PeerToken.HashSecret("hello"));
    }

    [Fact]
    public void Certificate_IsMadeOnce_WithAPrivateKeyFile_AndItsFingerprintIsSha256OfTheDer()
    {
        string dir = Path.Combine(_root, "tls");
        using HostCertificate first = HostCertificate.LoadOrCreate(dir, "host-a", Now);
        using HostCertificate again = HostCertificate.LoadOrCreate(dir, "other-name", Now.AddDays(1));

        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first.Certificate.RawData)), first.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", first.Fingerprint);
        Assert.Equal("CN=host-a", first.Certificate.Subject);
        Assert.True(first.Certificate.HasPrivateKey);
        using (ECDsa? key = first.Certificate.GetECDsaPublicKey())
        {
            Assert.Equal(256, key!.KeySize);
        }

        Assert.InRange(first.Certificate.NotAfter, Now.AddYears(10).AddDays(-2).UtcDateTime, Now.AddYears(10).AddDays(2).UtcDateTime);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "server.key")));
        using X509Certificate2 pem = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "server.crt")));
        Assert.Equal(first.Fingerprint, HostCertificate.FingerprintOf(pem));
    }

    [Theory]
    [InlineData("0.0.0.0:8443", "0.0.0.0:8443")]
    [InlineData("192.0.2.1:8443", "192.0.2.1:8443")]
    [InlineData("[::]:8443", "[::]:8443")]
    public void Settings_Listen_TakesAnIpAndPort(string value, string expected)
    {
        Assert.Equal(expected, HostSettings.Apply(new HostOptions(), "listen", value).Value.ListenEndpoint!.ToString());
    }

    [Theory]
    [InlineData("8443")]
    [InlineData("0.0.0.0")]
    [InlineData("0.0.0.0:0")]
    [InlineData("0.0.0.0:70000")]
    [InlineData("::1")]
    [InlineData("::1:8443")]
    [InlineData("host-b:8443")]
    public void Settings_Listen_RefusesWhatIsNotIpAndPort(string value)
    {
        Assert.StartsWith($"listen = {value}: expected ADDRESS:PORT", HostSettings.Apply(new HostOptions(), "listen", value).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsFile_SetsListenAndHostName_AndNamesTheLineOfABadName()
    {
        string good = Path.Combine(_root, "good.conf");
        File.WriteAllText(good, "listen = [::]:8443\nhost.name = host-a\n");
        HostOptions o = HostSettings.Load(good, new HostOptions()).Value;
        Assert.Equal(("[::]:8443", "host-a"), (o.ListenEndpoint!.ToString(), o.HostName));
        Assert.Null(new HostOptions().ListenEndpoint);
        Assert.Equal(Environment.MachineName, new HostOptions().HostName);

        string bad = Path.Combine(_root, "bad.conf");
        File.WriteAllText(bad, "# hosts\nhost.name = no spaces please\n");
        Assert.StartsWith($"{bad}:2: host.name = no spaces please: expected 1 to 63 letters", HostSettings.Load(bad, new HostOptions()).Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.2:8443", true)]
    [InlineData("[2001:db8::2]:8443", true)]
    [InlineData("host-b.example:8443", true)]
    [InlineData("10.0.0.2", false)]
    [InlineData("10.0.0.2:", false)]
    [InlineData("10.0.0.2:99999", false)]
    [InlineData("2001:db8::2:8443", false)]
    [InlineData("http://10.0.0.2:8443", false)]
    public void PeerAddress_IsHostAndPort(string address, bool ok)
    {
        Assert.Equal(ok, PeerAddress.Parse(address).IsOk);
    }

    [Fact]
    public void PeerAddress_Wildcard_TakesTheCallersAddress()
    {
        Assert.Equal("203.0.113.1:8443", PeerAddress.Resolve("0.0.0.0:8443", System.Net.IPAddress.Parse("::ffff:203.0.113.1")));
        Assert.Equal("192.0.2.5:8443", PeerAddress.Resolve("192.0.2.5:8443", System.Net.IPAddress.Parse("203.0.113.1")));
        Assert.Null(PeerAddress.Resolve(null, System.Net.IPAddress.Parse("203.0.113.1")));
    }

    [Fact]
    public void JoinToken_IsRedeemedOnce_AndAClashKeepsIt()
    {
        var db = new StateDb(Path.Combine(_root, "h.db"));
        string hash = PeerToken.HashSecret("s1");
        db.InsertPeerToken(hash, Now, Now.AddHours(1));
        Assert.True(db.TryUpsertPeer(new PeerRecord("a", "203.0.113.1:8443", new string('1', 64), Now)));

        Assert.Equal(PeerJoinOutcome.Clash, db.RedeemPeerToken(hash, Now, new PeerRecord("a", null, new string('2', 64), Now)));
        Assert.Equal(PeerJoinOutcome.ExpiredToken, db.RedeemPeerToken(hash, Now.AddHours(2), new PeerRecord("b", null, new string('2', 64), Now)));
        Assert.Equal(PeerJoinOutcome.Joined, db.RedeemPeerToken(hash, Now, new PeerRecord("b", null, new string('2', 64), Now)));
        Assert.Equal(PeerJoinOutcome.UnknownToken, db.RedeemPeerToken(hash, Now, new PeerRecord("c", null, new string('3', 64), Now)));
        Assert.Equal(["a", "b"], db.LoadPeers().Select(p => p.Name));
    }
}
