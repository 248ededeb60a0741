using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Tests.Cluster;

/// <summary>
/// A project's memory and vCPU limits over a whole cluster: counted from the running VMs' `vmuse/` keys, a start or
/// growth written in one transaction with the project's counter, and each host's round keeping its keys true.
/// </summary>
public sealed partial class ProjectUseTests : IDisposable
{
    private static readonly ProjectLimits Memory1G = new(MemoryMiB: 1024);
    private readonly FakeClusterStore _store = new();
    private readonly ClusterKeys _keys = new("course");

    [Fact]
    public void Count_SumsEachProjectsRunningVms_ByHost_LeavingOutTheOneAsked()
    {
        StoreEntry[] uses = [
            Entry("a1", new VmUse("host-a", "lab", 512, 1)), Entry("a2", new VmUse("host-a", "lab", 256, 2)),
            Entry("b1", new VmUse("host-b", "lab", 128, 1)), Entry("d1", new VmUse("host-b", "default", 64, 1)),
            new StoreEntry(_keys.VmUse("bad"), "not json", 1, 1, 0),
        ];

        IReadOnlyDictionary<string, ClusterProjectUse> all = ProjectUse.Count(uses);
        IReadOnlyDictionary<string, ClusterProjectUse> withoutA2 = ProjectUse.Count(uses, exclude: "a2");

        Assert.Equal(896, all["lab"].MemoryMiB);
        Assert.Equal(4, all["lab"].Vcpus);
        Assert.Equal("host-a 768 MiB, host-b 128 MiB", all["lab"].MemoryText());
        Assert.Equal("host-a 3, host-b 1", all["lab"].VcpusText());
        Assert.Equal(64, all["default"].MemoryMiB);
        Assert.Equal(640, withoutA2["lab"].MemoryMiB);
        Assert.Equal("none", ClusterProjectUse.None.MemoryText());
    }

    [Fact]
    public void Check_OverALimit_RefusesWithTheClusterWideArithmetic_TheHosts_AndTheFix_OneLineALimit()
    {
        ClusterProjectUse usage = ClusterProjectUse.None.Plus(new VmUse("host-b", "lab", 256, 1)).Plus(new VmUse("host-a", "lab", 512, 1));
        QuotaRequest start = QuotaRequest.Start("c1", 512, 1);

        HospesError? memory = ProjectUse.Check("course", "lab", Memory1G, usage, start);
        HospesError? both = ProjectUse.Check("course", "lab", new ProjectLimits(MemoryMiB: 1024, Vcpus: 2), usage, start);

        Assert.Equal(ErrorCode.Unavailable, memory?.Code);
        Assert.Equal(
            "project lab: 768 MiB of 1024 MiB memory used in cluster 'course' (host-a 512 MiB, host-b 256 MiB), starting c1 would make 1280 MiB; raise the limit with hospes project set lab --limit memory=1280M or stop a VM",
            memory?.Message);
        Assert.Equal(2, both?.Details.Count);
        Assert.Equal(
            "project lab: 2 of 2 vCPUs used in cluster 'course' (host-a 1, host-b 1), starting c1 would make 3; raise the limit with hospes project set lab --limit vcpus=3 or stop a VM",
            both?.Details[1]);
        Assert.Null(ProjectUse.Check("course", "lab", new ProjectLimits(MemoryMiB: 1280), usage, start));
        Assert.Null(ProjectUse.Check("course", "lab", new ProjectLimits(Vms: 1), usage, start));
    }

    [Fact]
    public async Task Starts_CountOverEveryHost_TheOneOverIsRefused_NothingWritten_AndFitsOnceOneStops()
    {
        Assert.Null(await Admit("a1", "host-a", 512, Memory1G));
        Assert.Null(await Admit("b1", "host-b", 256, Memory1G));
        string counter = (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value;

        HospesError? refused = await Admit("c1", "host-c", 512, Memory1G);

        Assert.Contains("768 MiB of 1024 MiB memory used in cluster 'course' (host-a 512 MiB, host-b 256 MiB), starting c1 would make 1280 MiB", refused?.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync(_keys.VmUse("c1"), CancellationToken.None));
        Assert.Equal(counter, (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);

        // a1 stops (its key goes, no bump): c1 fits, and its key says where and what.
        await _store.DeleteAsync(_keys.VmUse("a1"), CancellationToken.None);
        Assert.Null(await Admit("c1", "host-c", 512, Memory1G));
        Assert.Equal(new VmUse("host-c", "lab", 512, 1), ClusterService.Read<VmUse>((await _store.GetAsync(_keys.VmUse("c1"), CancellationToken.None))!.Value));
        Assert.NotEqual(counter, (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task AnotherHostsStart_BetweenTheCountAndTheTransaction_FailsOurs_WhichCountsAgain_AndIsRefused()
    {
        Assert.Null(await Admit("a1", "host-a", 512, Memory1G));
        string counter = (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value;

        // host-b counted 512 of 1024 too; its start lands (with the counter's bump) just before ours.
        _store.BeforeTransaction = () =>
        {
            _ = _store.PutAsync(_keys.VmUse("b1"), ClusterMembership.Json(new VmUse("host-b", "lab", 512, 1)), 0, CancellationToken.None);
            _ = _store.PutAsync(_keys.ProjectRevision("lab"), ProjectClaims.Next(counter), 0, CancellationToken.None);
        };
        HospesError? refused = await Admit("c1", "host-c", 512, Memory1G);

        Assert.Contains("1024 MiB of 1024 MiB memory used in cluster 'course' (host-a 512 MiB, host-b 512 MiB)", refused?.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync(_keys.VmUse("c1"), CancellationToken.None));
    }

    [Fact]
    public async Task AGrowth_CountsWhatTheVmUsesAlready_AndItsOldKeyIsNotCountedTwice()
    {
        Assert.Null(await Admit("a1", "host-a", 512, Memory1G));
        Assert.Null(await Admit("b1", "host-b", 256, Memory1G));

        // b1 from 256 to 768 MiB: 512 + 256 used, growing by 512 makes 1280.
        HospesError? refused = await ProjectUse.AdmitAsync(_store, _keys, "course", "b1", new VmUse("host-b", "lab", 768, 1), new VmUse("host-b", "lab", 256, 1), Memory1G, QuotaRequest.MemSet("b1", 256, 768), CancellationToken.None);
        HospesError? fits = await ProjectUse.AdmitAsync(_store, _keys, "course", "b1", new VmUse("host-b", "lab", 512, 1), new VmUse("host-b", "lab", 256, 1), Memory1G, QuotaRequest.MemSet("b1", 256, 512), CancellationToken.None);

        Assert.Contains("768 MiB of 1024 MiB memory used in cluster 'course' (host-a 512 MiB, host-b 256 MiB), growing b1 would make 1280 MiB", refused?.Message, StringComparison.Ordinal);
        Assert.Null(fits);
        Assert.Equal(512, ClusterService.Read<VmUse>((await _store.GetAsync(_keys.VmUse("b1"), CancellationToken.None))!.Value)!.MemoryMiB);
    }

    [Fact]
    public async Task WithoutALimit_NothingIsChecked_ButTheKeyIsWritten_AndTheCounterMadeAndBumped()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Null(await Admit($"v{i}", "host-a", 4096, null));
        }

        Assert.Equal("3", (await _store.GetAsync(_keys.ProjectRevision("lab"), CancellationToken.None))!.Value);
        Assert.NotNull(await Admit("v3", "host-b", 1, Memory1G));
    }

    [Fact]
    public async Task AStoreOutOfReach_Throws_AndNothingIsWritten()
    {
        _store.Unreachable = true;

        await Assert.ThrowsAsync<ClusterStoreException>(() => Admit("a1", "host-a", 512, Memory1G));

        _store.Unreachable = false;
        Assert.Null(await _store.GetAsync(_keys.VmUse("a1"), CancellationToken.None));
    }

    [Fact]
    public void AJoiningHost_WhoseVmsWouldTakeAProjectOverItsLimits_IsRefused_NamingEachLimit_AndOneThatFitsIsNot()
    {
        ProjectRecord[] projects = [new("lab", new ProjectLimits(Vms: 3, MemoryMiB: 1024), DateTimeOffset.UnixEpoch), new("open", ProjectLimits.None, DateTimeOffset.UnixEpoch)];
        var vms = new Dictionary<string, ClusterProjectVms> { ["lab"] = new(2, new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }) };
        var running = new Dictionary<string, ClusterProjectUse> { ["lab"] = ClusterProjectUse.None.Plus(new VmUse("host-a", "lab", 768, 1)) };
        VmUse[] joining = [new("host-d", "lab", 512, 1), new("host-d", "lab", 0, 0), new("host-d", "open", 9999, 9)];

        HospesError? refused = ProjectUse.JoinRefusal("course", "host-d", joining, projects, vms, running);
        HospesError? fits = ProjectUse.JoinRefusal("course", "host-d", [new("host-d", "lab", 256, 1)], projects, vms, running);

        Assert.Equal(ErrorCode.Conflict, refused?.Code);
        Assert.Equal(
            [
                "project lab: 2 of 3 VMs used in cluster 'course' (host-a 1, host-b 1), joining host-d with 2 VMs would make 4; raise the limit with hospes project set lab --limit vms=4 or delete a VM",
                "project lab: 768 MiB of 1024 MiB memory used in cluster 'course' (host-a 768 MiB), joining host-d with 2 VMs would make 1280 MiB; raise the limit with hospes project set lab --limit memory=1280M or stop a VM",
            ],
            refused!.Details);
        Assert.StartsWith("host 'host-d' cannot join cluster 'course': its VMs would take projects over their limits", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("nothing was changed", refused.Message, StringComparison.Ordinal);
        Assert.Null(fits);
    }

    public void Dispose() => _store.Dispose();

    private StoreEntry Entry(string name, VmUse use) => new(_keys.VmUse(name), ClusterMembership.Json(use), 1, 1, 0);

    private Task<HospesError?> Admit(string name, string host, long memoryMiB, ProjectLimits? limits) =>
        ProjectUse.AdmitAsync(_store, _keys, "course", name, new VmUse(host, "lab", memoryMiB, 1), null, limits, QuotaRequest.Start(name, memoryMiB, 1), CancellationToken.None);
}
