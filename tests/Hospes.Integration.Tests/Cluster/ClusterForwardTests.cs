using System.Globalization;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// Forwarding, the cluster-wide list and placement (issue 17): three hosts, each a hospesd in its own namespace on one
/// switch (203.0.113.1-3), in one cluster. A VM created on A for B runs on B; C lists it and drives it; the owner
/// checks a user again with its own ACL; a plain client's envelope is refused; two creates race for memory only one
/// fits; B killed, A lists B's VMs as unknown and names B down.
/// </summary>
public sealed partial class ClusterForwardTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string AddressA = "203.0.113.1:8443";

    // B may commit 5 % of the RAM, A and C 1 %: a guest of RaceMib fits on B only, and only once.
    private readonly ClusterLab _lab = new(image, new() { HostArgs = i => ["--memory-overcommit-ratio", i == 2 ? "0.05" : "0.01"] });
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        (_a, _b, _c) = await _lab.StartAsync();
        await _lab.FormAsync();
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task AVmPlacedOnB_IsListedAndDrivenFromC_TheOwnerChecksAgain_ARaceForMemoryLandsOnce_AndADownHostIsNamed()
    {
        // Created on A, pinned to B: it runs on B, and only B has it.
        (await _a.CliAsync("create", _a.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-b")).Ok();
        Assert.Equal(["web"], Names(await LocalAsync(_b)));
        Assert.Empty(await LocalAsync(_a));
        Assert.Contains("no host named 'pc07' in the cluster", (await _a.CliAsync("create", _a.WriteConfig("x.cfg", Guest.Config("x")), "--host", "pc07")).Fails(), StringComparison.Ordinal);

        // C lists it with its host, and drives it: each command runs on B and is audited there.
        VmInfo listed = Assert.Single(await ListJsonAsync(_c), v => v.Name == "web");
        Assert.Equal(("host-b", false), (listed.Host, listed.HostDown));
        Assert.Matches(@"web\s.*\shost-b", (await _c.CliAsync("list")).Ok().Stdout);
        await _b.WaitForConsoleAsync("web", Guest.Ready, limit: TimeSpan.FromSeconds(120));
        (await _c.CliAsync("pause", "web")).Ok();
        Assert.Equal(VmState.Paused, (await _c.JsonAsync<VmInfo>("info", "web")).State);
        Assert.Equal("host-b", (await _c.JsonAsync<VmInfo>("info", "web")).Host);
        (await _c.CliAsync("unpause", "web")).Ok();
        Assert.Equal(VmState.Running, (await _b.JsonAsync<VmInfo>("info", "web")).State);
        string audit = (await _b.CliAsync("audit", "--format", "json")).Ok().Stdout;
        Assert.Contains("POST /v1/vms/web/pause", audit, StringComparison.Ordinal);
        Assert.Contains("@host-c (unix socket)", audit, StringComparison.Ordinal);

        await OwnerChecksTheUserAgainAsync();
        await RaceForTheLastMemoryAsync();

        (await _c.CliAsync("shutdown", "web", "-w")).Ok();
        Assert.Equal(VmState.Shutoff, (await _b.JsonAsync<VmInfo>("info", "web")).State);

        // B killed (its etcd member stays, the cluster keeps its quorum): after its lease's TTL, A lists its VMs as
        // unknown on a down host, and a command for one names the host and that it is down.
        await _b.KillHardAsync();
        await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-b" && x.State == "down"));
        VmInfo lost = Assert.Single(await ListJsonAsync(_a), v => v.Name == "web");
        Assert.Equal((VmState.Unknown, "host-b", true), (lost.State, lost.Host, lost.HostDown));
        Assert.Matches(@"web\s.*host-b \(down\)", (await _a.CliAsync("list")).Ok().Stdout);
        Assert.Contains("VM 'web' is on host 'host-b', which is down since", (await _a.CliAsync("pause", "web")).Fails(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A student with only LabStudent on their VM on B: through A, B shows them their VM and refuses the other. A plain client sending an envelope to B is refused and audited.
    /// </summary>
    private async Task OwnerChecksTheUserAgainAsync()
    {
        (await _a.CliAsync("define", _a.WriteConfig("mine.cfg", Guest.Config("mine")), "--host", "host-b")).Ok();
        // Users and grants are the cluster's (made on A, granted on B); A forwards before it authorizes, B decides.
        (await _a.CliAsync("user", "create", "student")).Ok();
        (await _b.CliAsync("acl", "set", "/projects/default/vms/mine", "--user", "student", "--role", "LabStudent")).Ok();
        string token = (await _a.CliAsync("token", "create", "student", "--name", "cli")).Ok().Stdout.Trim();
        string home = _lab.TempDir("ht-remote-");
        (await _lab.RemoteCliAsync(home, "remote", "add", "course", $"https://{AddressA}", "--token", token, "--accept-certificate")).Ok();

        Assert.Equal("host-b", JsonSerializer.Deserialize<VmInfo>((await _lab.RemoteCliAsync(home, "--remote", "course", "info", "mine", "--format", "json")).Ok().Stdout, Wire.Options)!.Host);
        string refused = (await _lab.RemoteCliAsync(home, "--remote", "course", "info", "web")).Fails();
        Assert.Contains("VM.Audit", refused, StringComparison.Ordinal);
        Assert.Contains("student!cli", (await _b.CliAsync("audit", "--format", "json")).Ok().Stdout, StringComparison.Ordinal);

        CliResult forged = await _a.Netns!.ExecAsync("curl", "-sk", "-H", "Hospes-Forwarded: eyJ1c2VyIjoicm9vdCJ9", "https://203.0.113.2:8443/v1/vms");
        Assert.Contains("is taken only from a member host", forged.Stdout, StringComparison.Ordinal);
        Assert.Contains("forwarded request", (await _b.CliAsync("audit", "--format", "json")).Ok().Stdout, StringComparison.Ordinal);
    }

    /// <summary>Two creates at once for memory only B has, once: one lands on B, the other is refused; nothing is left of it.</summary>
    private async Task RaceForTheLastMemoryAsync()
    {
        long total = MemTotalMib();
        int size = (int)(((total * 5 / 100) - 192) / 2) + 20;
        Assert.True(size > total / 100, $"the race needs a guest bigger than what A and C commit ({total / 100} MiB); {size} MiB is not");
        Task<CliResult> one = _a.CliAsync("create", _a.WriteConfig("r1.cfg", Guest.Config("r1", $"memory = {size.ToString(CultureInfo.InvariantCulture)}")));
        Task<CliResult> two = _c.CliAsync("create", _c.WriteConfig("r2.cfg", Guest.Config("r2", $"memory = {size.ToString(CultureInfo.InvariantCulture)}")));
        CliResult[] both = await Task.WhenAll(one, two);

        Assert.Single(both, r => r.ExitCode == 0);
        Assert.Contains("cannot start", both.Single(r => r.ExitCode != 0).Stderr, StringComparison.Ordinal);
        List<VmInfo> all = await ListJsonAsync(_a);
        VmInfo landed = Assert.Single(all, v => v.Name is "r1" or "r2");
        Assert.Equal("host-b", landed.Host);
        (await _a.CliAsync("delete", landed.Name, "--force")).Ok();
    }

    private static async Task<List<VmInfo>> LocalAsync(Daemon d) => await d.JsonAsync<List<VmInfo>>("list", "--local");

    private static async Task<List<VmInfo>> ListJsonAsync(Daemon d) => await d.JsonAsync<List<VmInfo>>("list");

    private static string[] Names(List<VmInfo> vms) => [.. vms.Select(v => v.Name).Order(StringComparer.Ordinal)];

    private static long MemTotalMib() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}
