using Hospes.Core.Errors;
using Hospes.Storage.CloudInit;
using Hospes.Storage.Tests.Tiny.Support;

namespace Hospes.Storage.Tests.CloudInit;

/// <summary>Real seeds made with mkfs.vfat and mcopy, read back with blkid and mtools (nothing is mounted).</summary>
public sealed class NoCloudSeedTests : IDisposable
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ6t0f2q9i3d5T8mQ0rZf1k2a7wY4x6v9sB3nLcPqRs test@hospes";

    private readonly TempDir _dir = new();

    [Fact]
    public async Task Write_MakesFatImageLabelledCidataWithMetaAndUserData()
    {
        string seed = _dir.File("seed.img");
        var identity = new NoCloudIdentity { InstanceId = "i-0042", Hostname = "myhost", SshAuthorizedKeys = [Key] };

        Result<string> written = await NoCloudSeed.WriteAsync(identity, seed, CancellationToken.None);

        Assert.True(written.IsOk, written.Error?.Message);
        Assert.Equal(seed, written.Value);
        Assert.Equal("CIDATA", (await Tool.RunAsync("blkid", "-p", "-o", "value", "-s", "LABEL", seed)).Trim());
        Assert.Equal("vfat", (await Tool.RunAsync("blkid", "-p", "-o", "value", "-s", "TYPE", seed)).Trim());
        Assert.Equal("instance-id: i-0042\nlocal-hostname: myhost\n", await ReadAsync(seed, "meta-data"));
        Assert.Equal($"#cloud-config\nhostname: myhost\nssh_authorized_keys:\n  - '{Key}'\n", await ReadAsync(seed, "user-data"));
        string listing = await Tool.RunAsync("mdir", "-b", "-i", seed, "::");
        Assert.DoesNotContain("network-config", listing, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(_dir.Path));
    }

    [Fact]
    public async Task Write_WithStaticNetwork_AddsNetworkConfigAndNetworkdUnit()
    {
        string seed = _dir.File("seed.img");
        var identity = new NoCloudIdentity
        {
            InstanceId = "i-1",
            Hostname = "web7",
            Network = new NoCloudStaticNetwork("192.0.2.10/24", "192.0.2.1") { Nameservers = ["192.0.2.53"] },
        };

        Result<string> written = await NoCloudSeed.WriteAsync(identity, seed, CancellationToken.None);

        Assert.True(written.IsOk, written.Error?.Message);
        string config = await ReadAsync(seed, NoCloudSeed.NetworkConfigFile);
        Assert.StartsWith("version: 2\nethernets:\n", config, StringComparison.Ordinal);
        Assert.Contains("      - 192.0.2.10/24\n    gateway4: 192.0.2.1\n", config, StringComparison.Ordinal);
        Assert.Contains("nameservers:\n      addresses: [192.0.2.53]\n", config, StringComparison.Ordinal);
        Assert.Equal(
            "[Match]\nName=en* eth*\n\n[Network]\nAddress=192.0.2.10/24\nGateway=192.0.2.1\nDNS=192.0.2.53\n",
            await ReadAsync(seed, NoCloudSeed.NetworkdFile));
    }

    [Fact]
    public async Task Write_OverExistingSeed_ReplacesIt()
    {
        string seed = _dir.File("seed.img");
        await File.WriteAllTextAsync(seed, "old");

        Result<string> written = await NoCloudSeed.WriteAsync(new NoCloudIdentity { InstanceId = "i-2", Hostname = "b" }, seed, CancellationToken.None);

        Assert.True(written.IsOk, written.Error?.Message);
        Assert.Equal("instance-id: i-2\nlocal-hostname: b\n", await ReadAsync(seed, "meta-data"));
    }

    [Fact]
    public async Task Write_WithBadHostnameKeyAndAddress_ReportsEveryProblemAndWritesNothing()
    {
        string seed = _dir.File("seed.img");
        var identity = new NoCloudIdentity
        {
            InstanceId = "i 3",
            Hostname = "-bad_name",
            SshAuthorizedKeys = ["ssh-ed25519 AAAA\nssh-rsa BBBB"],
            Network = new NoCloudStaticNetwork("192.0.2.10", "gw"),
        };

        Result<string> written = await NoCloudSeed.WriteAsync(identity, seed, CancellationToken.None);

        Assert.False(written.IsOk);
        Assert.Equal(ErrorCode.InvalidArgument, written.Error.Code);
        Assert.Equal(5, written.Error.Details.Count);
        Assert.Contains(written.Error.Details, d => d.Contains("hostname '-bad_name'", StringComparison.Ordinal));
        Assert.Contains(written.Error.Details, d => d.Contains("ssh key 1", StringComparison.Ordinal));
        Assert.Contains(written.Error.Details, d => d.Contains("'gw' is not an IP address", StringComparison.Ordinal));
        Assert.False(File.Exists(seed));
    }

    [Fact]
    public void UserData_KeyWithQuote_IsSingleQuotedYaml()
    {
        string text = NoCloudDocuments.UserData(new NoCloudIdentity
        {
            InstanceId = "i",
            Hostname = "h",
            SshAuthorizedKeys = ["command=\"echo it's\" ssh-ed25519 AAAA"],
        });

        Assert.EndsWith("  - 'command=\"echo it''s\" ssh-ed25519 AAAA'\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_WithAHostKey_GivesItAsFilesForHospessAgent_AndAsSshKeysForCloudInit()
    {
        await Tool.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "guest", "-f", _dir.File("hk"));
        string privateKey = await File.ReadAllTextAsync(_dir.File("hk"));
        string publicLine = (await File.ReadAllTextAsync(_dir.File("hk.pub"))).Trim();
        string seed = _dir.File("seed.img");
        var identity = new NoCloudIdentity { InstanceId = "i-7", Hostname = "web", SshHostKey = new NoCloudHostKey(privateKey, publicLine) };

        Result<string> written = await NoCloudSeed.WriteAsync(identity, seed, CancellationToken.None);

        Assert.True(written.IsOk, written.Error?.Message);
        Assert.Equal(privateKey.Trim() + "\n", await ReadAsync(seed, NoCloudSeed.HostKeyFile));
        Assert.Equal(publicLine + "\n", await ReadAsync(seed, NoCloudSeed.HostKeyFile + ".pub"));
        string userData = await ReadAsync(seed, "user-data");
        Assert.Contains("ssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n", userData, StringComparison.Ordinal);
        Assert.Contains($"  ed25519_public: '{publicLine}'\n", userData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_WithAHostKeyWhosePublicLineIsAnotherKeys_IsRefused_AndWritesNothing()
    {
        await Tool.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", _dir.File("a"));
        await Tool.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", _dir.File("b"));
        string seed = _dir.File("seed.img");
        var identity = new NoCloudIdentity
        {
            InstanceId = "i-8",
            Hostname = "web",
            SshHostKey = new NoCloudHostKey(await File.ReadAllTextAsync(_dir.File("a")), await File.ReadAllTextAsync(_dir.File("b.pub"))),
        };

        Result<string> written = await NoCloudSeed.WriteAsync(identity, seed, CancellationToken.None);

        Assert.False(written.IsOk);
        Assert.Contains("public line is not the public half of its private key", string.Join('\n', [written.Error!.Message, .. written.Error.Details]), StringComparison.Ordinal);
        Assert.False(File.Exists(seed));
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string> ReadAsync(string seed, string name)
    {
        string copy = _dir.File("read-" + name);
        File.Delete(copy);
        await Tool.RunAsync("mcopy", "-i", seed, "::" + name, copy);
        return await File.ReadAllTextAsync(copy);
    }
}
