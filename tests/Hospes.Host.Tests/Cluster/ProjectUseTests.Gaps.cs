using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Machine;

namespace Hospes.Host.Tests.Cluster;

/// <summary>
/// The gaps session 12 closed: a join's claims and running VMs bump their projects' counters in the transaction that
/// writes them (checked against the cluster's limits there), and an HA move carries the VM's usage to its new host,
/// whose round keeps it until the restart is admitted or the order goes.
/// </summary>
public sealed partial class ProjectUseTests
{
    private static readonly ProjectRecord[] Lab2Vms1G = [new("lab", new ProjectLimits(Vms: 2, MemoryMiB: 1024), DateTimeOffset.UnixEpoch)];

    [Fact]
    public async Task AJoin_ClaimsItsVms_WritesWhatRuns_AndBumpsEachProjectsCounter_InOneTransaction()
    {
        Assert.Null(await Admit("a1", "host-a", 256, Memory1G));
        string lab = (await Counter("lab"))!;

        (ClaimOutcome outcome, HospesError? refused) = await Join(Lab2Vms1G, ("d1", "lab", 512), ("d2", "other", 0));

        Assert.Equal((ClaimOutcome.Claimed, null), (outcome, refused));
        Assert.Equal("host-d", (await Owner("d1"))?.Host);
        Assert.Equal("other", (await Owner("d2"))?.Project);
        Assert.Equal(new VmUse("host-d", "lab", 512, 1), await Use("d1"));
        Assert.Null(await Use("d2"));
        Assert.Equal(ProjectClaims.Next(lab), await Counter("lab"));
        Assert.Equal("1", await Counter("other"));
    }

    [Fact]
    public async Task ADefineElsewhere_BetweenTheJoinsCountAndItsTransaction_FailsTheJoin_WhichCountsAgain_AndIsRefused_NothingWritten()
    {
        await Claim("a1", "host-a");
        const string before = "5";
        await _store.PutAsync(_keys.ProjectRevision("lab"), before, 0, CancellationToken.None);

        // host-a's define of a2 (the lab's second and last VM) lands, with its bump, just before the join's transaction.
        _store.BeforeTransaction = () =>
        {
            _ = _store.PutAsync(_keys.Vm("a2"), ClusterMembership.Json(new VmOwner("host-a", Guid.NewGuid().ToString(), DateTimeOffset.UnixEpoch, "lab")), 0, CancellationToken.None);
            _ = _store.PutAsync(_keys.ProjectRevision("lab"), ProjectClaims.Next(before), 0, CancellationToken.None);
        };
        (ClaimOutcome outcome, HospesError? refused) = await Join(Lab2Vms1G, ("d1", "lab", 0));

        Assert.Equal(ClaimOutcome.Refused, outcome);
        Assert.Equal(
            "project lab: 2 of 2 VMs used in cluster 'course' (host-a 2), joining host-d with 1 VM would make 3; raise the limit with hospes project set lab --limit vms=3 or delete a VM",
            Assert.Single(refused!.Details));
        Assert.EndsWith("and join again; this host left the cluster again, and the token is used: `hospes cluster token` on a member makes another", refused.Message, StringComparison.Ordinal);
        Assert.Null(await Owner("d1"));
        Assert.Equal(ProjectClaims.Next(before), await Counter("lab"));
    }

    [Fact]
    public async Task AStartElsewhere_BetweenTheJoinsCountAndItsTransaction_TakesTheRoom_AndTheJoinIsRefusedOnMemory()
    {
        Assert.Null(await Admit("a1", "host-a", 512, Memory1G));
        string before = (await Counter("lab"))!;
        _store.BeforeTransaction = () =>
        {
            _ = _store.PutAsync(_keys.VmUse("b1"), ClusterMembership.Json(new VmUse("host-b", "lab", 256, 1)), 0, CancellationToken.None);
            _ = _store.PutAsync(_keys.ProjectRevision("lab"), ProjectClaims.Next(before), 0, CancellationToken.None);
        };

        (ClaimOutcome outcome, HospesError? refused) = await Join([new("lab", new ProjectLimits(MemoryMiB: 1024), DateTimeOffset.UnixEpoch)], ("d1", "lab", 512));

        Assert.Equal(ClaimOutcome.Refused, outcome);
        Assert.Contains("768 MiB of 1024 MiB memory used in cluster 'course' (host-a 512 MiB, host-b 256 MiB), joining host-d with 1 VM would make 1280 MiB", refused?.Message, StringComparison.Ordinal);
        Assert.Null(await Use("d1"));
        Assert.Null(await Owner("d1"));
    }

    [Fact]
    public async Task AfterAJoin_ADefineCountsTheJoinedVms_ATakenName_IsRefusedAsTaken_AndWithoutLimitsNothingIsChecked()
    {
        await Claim("a1", "host-a");
        Assert.Equal(ClaimOutcome.Claimed, (await Join(Lab2Vms1G, ("d1", "lab", 0))).Outcome);

        (ClaimOutcome define, HospesError? refused) = await ProjectClaims.ClaimAsync(_store, _keys, "course", "a2", new VmOwner("host-a", Guid.NewGuid().ToString(), DateTimeOffset.UnixEpoch, "lab"), 2, CancellationToken.None);
        (ClaimOutcome taken, HospesError? why) = await Join(null, ("a1", "lab", 0), ("e1", "lab", 0));
        (ClaimOutcome free, _) = await Join(null, ("e1", "lab", 4096), ("e2", "lab", 0));

        Assert.Equal(ClaimOutcome.Refused, define);
        Assert.Contains("2 of 2 VMs used in cluster 'course' (host-a 1, host-d 1)", refused?.Message, StringComparison.Ordinal);
        Assert.Equal(ClaimOutcome.Taken, taken);
        Assert.Equal("cannot join cluster 'course': VM names of this host are taken there: a1 (owned by host-a); delete or rename them here first (this host left the cluster again)", why?.Message);
        Assert.Equal(ClaimOutcome.Claimed, free);
        Assert.Equal(4096, (await Use("e1"))?.MemoryMiB);
    }

    [Fact]
    public async Task AnHaMove_CarriesTheVmsUsageToItsNewHost_InTheOwnersTransaction_SoAStartElsewhereFindsNoRoom()
    {
        StoreEntry owned = await Claim("ha1", "host-b");
        await Put("ha1", new VmUse("host-b", "lab", 512, 1));
        Assert.Null(await Admit("a1", "host-a", 512, Memory1G));

        Assert.True(await HaMove.CommitAsync(_store, _keys, "ha1", owned, ClusterService.Read<VmOwner>(owned.Value)!, "host-c", DateTimeOffset.UnixEpoch, CancellationToken.None));

        Assert.Equal("host-c", (await Owner("ha1"))?.Host);
        Assert.Equal(new HaRestart("host-c", "host-b", DateTimeOffset.UnixEpoch), ClusterService.Read<HaRestart>((await _store.GetAsync(_keys.HaRestart("ha1"), CancellationToken.None))!.Value));
        Assert.Equal(new VmUse("host-c", "lab", 512, 1), await Use("ha1"));
        Assert.Contains("1024 MiB of 1024 MiB memory used in cluster 'course' (host-a 512 MiB, host-c 512 MiB)", (await Admit("x1", "host-a", 256, Memory1G))?.Message, StringComparison.Ordinal);

        // The restart's own admission does not count the VM twice: it replaces its key.
        Assert.Null(await ProjectUse.AdmitAsync(_store, _keys, "course", "ha1", new VmUse("host-c", "lab", 512, 1), null, Memory1G, QuotaRequest.Start("ha1", 512, 1), CancellationToken.None));
    }

    [Fact]
    public async Task AnHaMove_OfAVmWithoutAKey_WritesNone_AndAMoveWhoseOwnerOrKeyChangedMeanwhile_WritesNothing()
    {
        StoreEntry stopped = await Claim("ha2", "host-b");
        Assert.True(await HaMove.CommitAsync(_store, _keys, "ha2", stopped, ClusterService.Read<VmOwner>(stopped.Value)!, "host-c", DateTimeOffset.UnixEpoch, CancellationToken.None));
        Assert.Null(await Use("ha2"));

        StoreEntry owned = await Claim("ha1", "host-b");
        await Put("ha1", new VmUse("host-b", "lab", 512, 1));
        _store.BeforeTransaction = () => _ = Put("ha1", new VmUse("host-b", "lab", 768, 1));
        bool moved = await HaMove.CommitAsync(_store, _keys, "ha1", owned, ClusterService.Read<VmOwner>(owned.Value)!, "host-c", DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.False(moved);
        Assert.Equal("host-b", (await Owner("ha1"))?.Host);
        Assert.Null(await _store.GetAsync(_keys.HaRestart("ha1"), CancellationToken.None));
        Assert.Equal("host-b", (await Use("ha1"))?.Host);
    }

    [Fact]
    public async Task TheNewOwnersRound_KeepsAMovedVmsKey_WhileItsRestartOrderStands_AndGivesItBackOnceTheOrderGoes()
    {
        StoreEntry owned = await Claim("ha1", "host-b");
        await Put("ha1", new VmUse("host-b", "lab", 512, 1));
        Assert.True(await HaMove.CommitAsync(_store, _keys, "ha1", owned, ClusterService.Read<VmOwner>(owned.Value)!, "host-a", DateTimeOffset.UnixEpoch, CancellationToken.None));
        await using ProjectUseSync sync = Sync();

        // host-a runs nothing of it yet (the restart not begun, or a try that failed): the key stays, and so does its room.
        sync.Wake();
        await sync.RoundAsync(CancellationToken.None);
        Assert.Equal(new VmUse("host-a", "lab", 512, 1), await Use("ha1"));

        // The order is given up (or void): the next round takes the key back.
        await _store.DeleteAsync(_keys.HaRestart("ha1"), CancellationToken.None);
        sync.Wake();
        await sync.RoundAsync(CancellationToken.None);
        Assert.Null(await Use("ha1"));
    }

    private Task<(ClaimOutcome Outcome, HospesError? Refused)> Join(IReadOnlyList<ProjectRecord>? projects, params (string Name, string Project, long MemoryMiB)[] vms) =>
        JoinClaims.ClaimAllAsync(_store, _keys, "course", "host-d", [.. vms.Select(v => new JoiningVm(
            v.Name,
            new VmOwner("host-d", Guid.NewGuid().ToString(), DateTimeOffset.UnixEpoch, v.Project),
            new VmUse("host-d", v.Project, v.MemoryMiB, v.MemoryMiB > 0 ? 1 : 0)))], projects, CancellationToken.None);

    private async Task<StoreEntry> Claim(string name, string host)
    {
        await Own(name, host);
        return (await _store.GetAsync(_keys.Vm(name), CancellationToken.None))!;
    }

    private async Task<VmOwner?> Owner(string name) =>
        await _store.GetAsync(_keys.Vm(name), CancellationToken.None) is { } e ? ClusterService.Read<VmOwner>(e.Value) : null;

    private async Task<string?> Counter(string project) => (await _store.GetAsync(_keys.ProjectRevision(project), CancellationToken.None))?.Value;
}
