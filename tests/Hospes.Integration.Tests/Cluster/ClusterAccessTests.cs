using System.Diagnostics;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// Access data is the cluster's (issue 17): three hosts in namespaces on one switch (203.0.113.1-3); A and B in a
/// cluster, C on its own with a user of its own. A user and token made on A log in on B (password and token, over
/// HTTPS); a grant made on A for a VM on B lets the user drive it through A (forwarded) and on B; revoking on A and
/// deleting the token on A take effect on B within seconds; C's join is refused naming its user, nothing changed, and
/// once that user is gone C joins and has the cluster's.
/// </summary>
public sealed class ClusterAccessTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly ClusterLab _lab = new(image);
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        (_a, _b, _c) = await _lab.StartAsync();
        await _lab.InitAsync();
        await _lab.JoinAsync(_b);
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task UsersTokensAndGrantsMadeOnA_CountOnB_RevocationsReachB_AndAJoinThatWouldLoseUsersIsRefused()
    {
        // Made on A: a user with a password, and a token of theirs. B knows both (over HTTPS, B's own logins).
        (await _a.CliWithInputAsync(Password + "\n", "user", "create", "alice", "--password-stdin")).Ok();
        string token = (await _a.CliAsync("token", "create", "alice", "--name", "cli")).Ok().Stdout.Trim();
        await ClusterWait.UntilAsync(async () => await _b.CliAsync("token", "list", "alice") is { ExitCode: 0 } r && r.Stdout.Contains("cli", StringComparison.Ordinal), Within, "B takes alice and her token");
        Assert.Equal("200", await CurlAsync(_b, 2, "-u", $"alice:{Password}"));
        Assert.Equal("200", await CurlAsync(_b, 2, "-H", $"Authorization: Bearer {token}"));
        Assert.Equal("401", await CurlAsync(_b, 2, "-u", "alice:wrong password"));

        // A VM on B; alice may not touch it, through A or on B, until A grants her LabStudent on it.
        (await _b.CliAsync("define", _b.WriteConfig("mine.cfg", Guest.Config("mine")), "--host", "host-b")).Ok();
        string home = _lab.TempDir("ht-remote-");
        (await _lab.RemoteCliAsync(home, "remote", "add", "a", $"https://{AddressA}", "--token", token, "--accept-certificate")).Ok();
        (await _lab.RemoteCliAsync(home, "remote", "add", "b", "https://203.0.113.2:8443", "--token", token, "--accept-certificate")).Ok();
        Assert.Contains("VM.Audit", (await _lab.RemoteCliAsync(home, "--remote", "a", "info", "mine")).Fails(), StringComparison.Ordinal);

        (await _a.CliAsync("acl", "set", "/projects/default/vms/mine", "--user", "alice", "--role", "LabStudent")).Ok();
        VmInfo viaA = JsonSerializer.Deserialize<VmInfo>((await _lab.RemoteCliAsync(home, "--remote", "a", "info", "mine", "--format", "json")).Ok().Stdout, Wire.Options)!;
        Assert.Equal("host-b", viaA.Host);
        (await _lab.RemoteCliAsync(home, "--remote", "a", "start", "mine")).Ok();
        Assert.Equal(VmState.Running, (await _b.JsonAsync<VmInfo>("info", "mine")).State);
        await ClusterWait.UntilAsync(async () => (await _lab.RemoteCliAsync(home, "--remote", "b", "info", "mine")).ExitCode == 0, Within, "B takes the grant");
        (await _lab.RemoteCliAsync(home, "--remote", "b", "destroy", "mine")).Ok();
        Assert.Equal(VmState.Shutoff, (await _b.JsonAsync<VmInfo>("info", "mine")).State);
        Assert.Contains("alice!cli", (await _b.CliAsync("audit", "--format", "json")).Ok().Stdout, StringComparison.Ordinal);

        // Revoked on A: refused on B within seconds; the token deleted on A: refused on B.
        (await _a.CliAsync("acl", "remove", "/projects/default/vms/mine", "--user", "alice", "--role", "LabStudent")).Ok();
        var clock = Stopwatch.StartNew();
        await ClusterWait.UntilAsync(async () => (await _lab.RemoteCliAsync(home, "--remote", "b", "info", "mine")).ExitCode != 0, Within, "B drops the grant");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"B took {clock.Elapsed} to drop the grant");

        // B learns of A's writes from its watch on the cluster's copy, not only from its 2 s read (log 880 says which).
        Assert.Contains("seen by its watch", File.ReadAllText(_b.LogPath), StringComparison.Ordinal);
        Assert.Contains("VM.Audit", (await _lab.RemoteCliAsync(home, "--remote", "b", "info", "mine")).Fails(), StringComparison.Ordinal);
        (await _a.CliAsync("token", "revoke", "alice", "cli")).Ok();
        await ClusterWait.UntilAsync(async () => await CurlAsync(_b, 2, "-H", $"Authorization: Bearer {token}") == "401", Within, "B refuses the token");

        // C has a user the cluster has not: its join is refused, naming it, and nothing changed on either side.
        (await _c.CliAsync("user", "create", "zed")).Ok();
        string refused = (await _c.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Fails();
        Assert.Contains("user zed", refused, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", refused, StringComparison.Ordinal);
        Assert.Contains("in no cluster", (await _c.CliAsync("cluster", "list")).Fails(), StringComparison.Ordinal);
        Assert.Equal(["zed"], Users(await _c.JsonAsync<List<UserInfo>>("user", "list")));
        Assert.Equal(2, (await _a.JsonAsync<List<ClusterHostInfo>>("cluster", "list")).Count);
        Assert.Equal(["alice"], Users(await _a.JsonAsync<List<UserInfo>>("user", "list")));

        // Without it C joins and takes the cluster's users.
        (await _c.CliAsync("user", "delete", "zed")).Ok();
        (await _c.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        Assert.Equal(["alice"], Users(await _c.JsonAsync<List<UserInfo>>("user", "list")));
        Assert.Equal("200", await CurlAsync(_c, 3, "-u", $"alice:{Password}"));
    }

    private static string[] Users(List<UserInfo> users) => [.. users.Select(u => u.Name).Order(StringComparer.Ordinal)];

    /// <summary>whoami on host <paramref name="d"/> (203.0.113.<paramref name="n"/>) over HTTPS from its own namespace; the HTTP status.</summary>
    private static async Task<string> CurlAsync(Daemon d, int n, params string[] credentials)
    {
        CliResult r = await d.Netns!.ExecAsync(["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", .. credentials, $"https://203.0.113.{n}:8443/v1/access/whoami"]);
        return r.Stdout.Trim();
    }
}
