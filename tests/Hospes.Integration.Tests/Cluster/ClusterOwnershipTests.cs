using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// Ownership follows the VM (issue 17, part 2), on two cluster members in namespaces on one switch: a save file restored
/// on the other host claims the name (refused while the first owns it), a live migration moves the claim in etcd, and a
/// migration the destination refuses leaves it with the source.
/// </summary>
public sealed class ClusterOwnershipTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{

    // A save file names the kernel where its host keeps it: the other host may read it there only because hospesd.conf says so.
    private readonly ClusterLab _lab = new(image, new() { Hosts = 2, Settings = "migration.allow_paths = /tmp\n", HostInfo = true });
    private Daemon _a = null!;
    private Daemon _b = null!;

    public async Task InitializeAsync() => (_a, _b) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task RestoreClaims_MigrationMovesTheClaim_AndARefusedMigrationLeavesItWithTheSource()
    {
        await _lab.InitAsync();
        await _lab.JoinAsync(_b);

        await Guest.CreateOnAsync(_a, "host-a", "s");
        await GuestShell.RunAsync(_a, "s", "echo kept-s > /tmp/marker");
        string saved = Path.Combine(_a.Dir, "s.save");
        (await _a.CliAsync("save", "s", saved)).Ok();
        string copy = Path.Combine(_b.Dir, "s.save");
        File.Copy(saved, copy);

        // While A has s (saved), B cannot restore it: the name is A's in the cluster.
        string refused = (await _b.CliAsync("restore", copy)).Fails();
        Assert.Contains("taken in cluster 'course': host 'host-a' owns it", refused, StringComparison.Ordinal);
        Assert.Empty(await _b.ListAsync());

        // A deletes it; B's restore defines it from the file and owns it; the guest goes on where it was saved.
        (await _a.CliAsync("delete", "s")).Ok();
        Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/vms/s"));
        (await _b.CliAsync("restore", copy)).Ok();
        Assert.Contains("\"host\":\"host-b\"", await EtcdGetAsync(_a, "/hospes/course/vms/s"), StringComparison.Ordinal);
        Assert.Contains("kept-s", await GuestShell.RunAsync(_b, "s", "cat /tmp/marker"), StringComparison.Ordinal);

        // A live migration B -> A moves the claim with it.
        VmInfo onB = await _b.InfoAsync("s");
        MigrationSummary s = await _b.JsonAsync<MigrationSummary>("migrate", "s", "host-a");
        Assert.Equal(("s", "host-a", "live"), (s.Vm, s.To, s.Mode));
        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/course/vms/s"), StringComparison.Ordinal);
        Assert.Contains("kept-s", await GuestShell.RunAsync(_a, "s", "cat /tmp/marker"), StringComparison.Ordinal);

        // B now has another VM with s's uuid: it refuses s, the migration fails, and A still owns s and runs it.
        (await _b.CliAsync("define", _b.WriteConfig("twin.cfg", Guest.Config("twin", $"uuid = \"{onB.Uuid}\"")), "--host", "host-b")).Ok();
        (await _a.CliAsync("migrate", "s", "host-b")).Fails();
        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/course/vms/s"), StringComparison.Ordinal);
        Assert.Equal(VmState.Running, (await _a.InfoAsync("s")).State);
        Assert.Equal(["twin"], (await _b.ListAsync()).Select(v => v.Name));
    }
}
