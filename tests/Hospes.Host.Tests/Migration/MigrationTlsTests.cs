using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Migration;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// A migration's own TLS identity: what QEMU's x509 credentials demand of it (a CA, and an end certificate that CA
/// signed for the name the other side checks), and what is refused when another host sends something else.
/// </summary>
public sealed class MigrationTlsTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Create_MakesACa_AndAnEndCertificateItSigned_ForOneRandomName()
    {
        MigrationTls tls = MigrationTls.Create(DateTimeOffset.UtcNow);

        using X509Certificate2 ca = X509Certificate2.CreateFromPem(tls.CaCertificate);
        using X509Certificate2 end = X509Certificate2.CreateFromPem(tls.Certificate);
        Assert.True(MigrationTls.IsName(tls.Name));
        Assert.NotEqual(tls.Name, MigrationTls.Create(DateTimeOffset.UtcNow).Name);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(end.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, end.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal($"CN={tls.Name}", end.Subject);
        Assert.Equal(ca.Subject, end.Issuer);
        Assert.Equal(tls.Name, end.GetNameInfo(X509NameType.DnsName, forIssuer: false));

        using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        Assert.True(chain.Build(end), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void WriteCredentials_GivesQemuBothCas_AndItsOwnCertificateAndKey_ReadableByItsOwnerOnly()
    {
        MigrationTls mine = MigrationTls.Create(DateTimeOffset.UtcNow), theirs = MigrationTls.Create(DateTimeOffset.UtcNow);
        string dir = _dir.Combine("migration-tls");

        mine.WriteCredentials(dir, theirs.Public, server: true, qemuGid: null);

        Assert.Equal(["ca-cert.pem", "server-cert.pem", "server-key.pem"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        Assert.All(Directory.GetFiles(dir), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        X509Certificate2Collection cas = [];
        cas.ImportFromPemFile(Path.Combine(dir, "ca-cert.pem"));
        Assert.Equal([$"CN={mine.Name}-ca", $"CN={theirs.Name}-ca"], cas.Select(c => c.Subject));
        Assert.Contains("BEGIN EC PRIVATE KEY", File.ReadAllText(Path.Combine(dir, "server-key.pem")), StringComparison.Ordinal);

        MigrationTls.Delete(dir);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void WriteCredentials_ForAQemuOfItsOwnUid_LetsThatUidReadThem_AndChangeNothing()
    {
        const int Qemu = 2_000_065_000;
        MigrationTls mine = MigrationTls.Create(DateTimeOffset.UtcNow), theirs = MigrationTls.Create(DateTimeOffset.UtcNow);
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0x1C9); // 0711, as the run dir hospesd makes
        string dir = _dir.Combine("tls", "vm");

        mine.WriteCredentials(dir, theirs.Public, server: false, Qemu);

        Assert.Equal("0:2000065000 750", Stat(dir));
        Assert.Equal("0:0 711", Stat(_dir.Combine("tls")));
        Assert.All(Directory.GetFiles(dir), f => Assert.Equal("0:2000065000 640", Stat(f)));
        Assert.Contains("BEGIN EC PRIVATE KEY", AsUid(Qemu, "cat", Path.Combine(dir, "client-key.pem")), StringComparison.Ordinal);
        Assert.Contains("Permission denied", AsUid(Qemu, "touch", Path.Combine(dir, "more.pem")), StringComparison.Ordinal);
        Assert.Contains("Permission denied", AsUid(Qemu + 1, "cat", Path.Combine(dir, "client-key.pem")), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteCredentials_ForAQemuOfItsOwnUid_BehindAFolderItCannotPass_IsRefused_NamingTheFolder()
    {
        MigrationTls mine = MigrationTls.Create(DateTimeOffset.UtcNow), theirs = MigrationTls.Create(DateTimeOffset.UtcNow);
        File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var e = Assert.Throws<IOException>(() => mine.WriteCredentials(_dir.Combine("tls", "vm"), theirs.Public, server: true, 2_000_065_000));

        Assert.Contains($"{_dir.Path} does not let others through; chmod o+x {_dir.Path}", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("tls", "vm")));
    }

    private static string Stat(string path) => Run("stat", "-c", "%u:%g %a", path).Trim();

    /// <summary>Runs a command as <paramref name="uid"/>:<paramref name="uid"/> with no other group; its output and errors.</summary>
    private static string AsUid(int uid, params string[] command) =>
        Run("setpriv", [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", .. command]);

    private static string Run(string program, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hospes-migration-0123")]
    [InlineData("hospes-migration-0123456789abcdef0123456789ABCDEF")]
    [InlineData("hospes-migration-0123456789abcdef0123456789abcde,")]
    [InlineData("CN=x,O=y")]
    public void APeersName_ThatHospesDoesNotMake_IsRefused(string? name)
    {
        MigrationTlsPeer sent = MigrationTls.Create(DateTimeOffset.UtcNow).Public with { Name = name! };

        Result<MigrationTlsPeer> checkedPeer = MigrationTlsPeer.Check(sent, "host-a");

        Assert.Equal(ErrorCode.InvalidArgument, checkedPeer.Error!.Code);
        Assert.StartsWith("host-a sent a TLS name for the migration stream that is not one Hospes makes", checkedPeer.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APeersCa_ThatIsNoCaCertificate_OrNoneAtAll_IsRefused()
    {
        MigrationTls tls = MigrationTls.Create(DateTimeOffset.UtcNow);

        Assert.Contains("it is not a CA certificate", MigrationTlsPeer.Check(tls.Public with { CaCertificate = tls.Certificate }, "host-a").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("unusable TLS CA", MigrationTlsPeer.Check(tls.Public with { CaCertificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }, "host-a").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("unusable TLS CA", MigrationTlsPeer.Check(tls.Public with { CaCertificate = new string('A', 9000) }, "host-a").Error!.Message, StringComparison.Ordinal);
        Assert.Equal("host-a sent no TLS certificate for the migration stream (the stream is always encrypted now); update Hospes on host-a", MigrationTlsPeer.Check(null, "host-a").Error!.Message);
    }

    [Fact]
    public void APeersCa_GoesToQemuAsItsOwnPem_WithNothingThePeerPutAroundIt()
    {
        MigrationTls tls = MigrationTls.Create(DateTimeOffset.UtcNow);
        string padded = "junk before\n" + tls.CaCertificate + "\n-----BEGIN CERTIFICATE-----\nnot base64\n";

        Result<MigrationTlsPeer> checkedPeer = MigrationTlsPeer.Check(tls.Public with { CaCertificate = padded }, "host-a");

        Assert.Equal(tls.CaCertificate, checkedPeer.Value.CaCertificate);
    }

    public void Dispose() => _dir.Dispose();
}
