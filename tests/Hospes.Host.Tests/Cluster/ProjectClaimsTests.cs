using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Tests.Cluster;

/// <summary>A project's VM limit over a whole cluster: counted from the VMs' claims, claimed in one transaction with the project's counter.</summary>
public sealed class ProjectClaimsTests : IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private readonly FakeClusterStore _store = new();
    private readonly ClusterKeys _keys = new("course");

    [Fact]
    public void Count_SumsEachProjectsClaims_ByHost_AndAClaimWithoutAProjectCountsInNone()
    {
        IReadOnlyDictionary<string, ClusterProjectVms> counts = ProjectClaims.Count([
            Owner("host-a", "lab"), Owner("host-b", "lab"), Owner("host-b", "lab"), Owner("host-a", "default"),
            new VmOwner("host-c", "u", At), null,
        ]);

        Assert.Equal(["default", "lab"], counts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, counts["lab"].Total);
        Assert.Equal(1, counts["lab"].ByHost["host-a"]);
        Assert.Equal(2, counts["lab"].ByHost["host-b"]);
        Assert.Equal("host-a 1, host-b 2", counts["lab"].ByHostText());
        Assert.Equal(1, counts["default"].Total);
    }

    [Fact]
    public void Check_AtTheLimit_RefusesWithTheClusterWideArithmetic_TheHosts_AndTheFix()
    {
        var usage = new ClusterProjectVms(2, new Dictionary<string, int> { ["host-b"] = 1, ["host-a"] = 1 });

        HospesError? error = ProjectClaims.Check("course", "lab", 2, usage, "c1");

        Assert.Equal(ErrorCode.Unavailable, error?.Code);
        Assert.Equal(
            "project lab: 2 of 2 VMs used in cluster 'course' (host-a 1, host-b 1), creating c1 would make 3; raise the limit with hospes project set lab --limit vms=3 or delete a VM; nothing was created",
            error?.Message);
        Assert.Null(ProjectClaims.Check("course", "lab", 3, usage, "c1"));
        Assert.Null(ProjectClaims.Check("course", "lab", null, usage, "c1"));
    }

    [Fact]
    public async Task Claims_CountOverEveryHost_TheThirdIsRefused_AndFitsAgainOnceOneGoes()
    {
        Assert.Equal(ClaimOutcome.Claimed, (await Claim("a1", "host-a", 2)).Outcome);
        Assert.Equal(ClaimOutcome.Claimed, (await Claim("b1", "host-b", 2)).Outcome);

        (ClaimOutcome outcome, HospesError? refused) = await Claim("c1", "host-c", 2);

        Assert.Equal(ClaimOutcome.Refused, outcome);
        Assert.Contains("2 of 2 VMs used in cluster 'course' (host-a 1, host-b 1)", refused!.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync(_keys.Vm("c1"), CancellationToken.None));
        Assert.Equal("2", (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);

        await _store.DeleteAsync(_keys.Vm("a1"), CancellationToken.None);
        Assert.Equal(ClaimOutcome.Claimed, (await Claim("c1", "host-c", 2)).Outcome);
        Assert.Equal("lab", ClusterService.Read<VmOwner>((await _store.GetAsync(_keys.Vm("c1"), CancellationToken.None))!.Value)!.Project);
        Assert.Equal("3", (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task AnotherHostsClaim_BetweenTheCountAndTheTransaction_FailsOurs_WhichCountsAgain_AndIsRefused()
    {
        Assert.Equal(ClaimOutcome.Claimed, (await Claim("a1", "host-a", 2)).Outcome);

        // host-b counted 1 of 2 too; its claim lands (with the counter's bump) just before ours.
        _store.BeforeTransaction = () =>
        {
            _ = _store.PutAsync(_keys.Vm("b1"), ClusterMembership.Json(Owner("host-b", "lab")), 0, CancellationToken.None);
            _ = _store.PutAsync(_keys.ProjectRevision("lab"), "2", 0, CancellationToken.None);
        };
        (ClaimOutcome outcome, HospesError? refused) = await Claim("c1", "host-c", 2);

        Assert.Equal(ClaimOutcome.Refused, outcome);
        Assert.Contains("2 of 2 VMs used in cluster 'course' (host-a 1, host-b 1)", refused!.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync(_keys.Vm("c1"), CancellationToken.None));
    }

    [Fact]
    public async Task TheFirstClaimOfAProject_RacingAnother_IsCountedAgainToo()
    {
        // No counter yet: both create it; the one that lost finds it there, counts again, and fits (limit 2).
        _store.BeforeTransaction = () =>
        {
            _ = _store.PutAsync(_keys.Vm("b1"), ClusterMembership.Json(Owner("host-b", "lab")), 0, CancellationToken.None);
            _ = _store.PutAsync(_keys.ProjectRevision("lab"), "1", 0, CancellationToken.None);
        };

        Assert.Equal(ClaimOutcome.Claimed, (await Claim("a1", "host-a", 2)).Outcome);
        Assert.Equal("2", (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);
        Assert.Equal(ClaimOutcome.Refused, (await Claim("c1", "host-c", 2)).Outcome);
    }

    [Fact]
    public async Task AClaimWithoutALimit_IsNotChecked_ButStillCountsAndBumps()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ClaimOutcome.Claimed, (await Claim($"v{i}", "host-a", null)).Outcome);
        }

        Assert.Equal("3", (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);
        Assert.Equal(ClaimOutcome.Refused, (await Claim("v3", "host-b", 3)).Outcome);
    }

    [Fact]
    public async Task ANameClaimedAlready_IsTaken_WithOrWithoutALimit_AndNothingIsBumped()
    {
        await Claim("web", "host-a", null);

        Assert.Equal(ClaimOutcome.Taken, (await Claim("web", "host-b", 5)).Outcome);
        Assert.Equal(ClaimOutcome.Taken, (await Claim("web", "host-b", null)).Outcome);
        Assert.Equal("host-a", ClusterService.Read<VmOwner>((await _store.GetAsync(_keys.Vm("web"), CancellationToken.None))!.Value)!.Host);
        Assert.Equal("1", (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task AStoreOutOfReach_Throws_AndNothingIsClaimed()
    {
        _store.Unreachable = true;

        await Assert.ThrowsAsync<ClusterStoreException>(() => Claim("a1", "host-a", 2));

        _store.Unreachable = false;
        Assert.Null(await _store.GetAsync(_keys.Vm("a1"), CancellationToken.None));
    }

    public void Dispose() => _store.Dispose();

    private static VmOwner Owner(string host, string project) => new(host, Guid.NewGuid().ToString(), At, project);

    private Task<(ClaimOutcome Outcome, HospesError? Refused)> Claim(string name, string host, int? limit) =>
        ProjectClaims.ClaimAsync(_store, _keys, "course", name, Owner(host, "lab"), limit, CancellationToken.None);
}
