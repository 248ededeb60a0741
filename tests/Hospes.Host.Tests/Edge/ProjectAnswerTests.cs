using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Access;
using Hospes.Host.Edge;
using Hospes.Host.Storage;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Edge;

/// <summary>
/// `hospes project create|set|delete` answer as `project show` does: in a cluster, the project's VMs, memory and vCPUs
/// counted on every host, by host; a delete of a project whose VMs are on other hosts is refused, naming them.
/// </summary>
public sealed class ProjectAnswerTests
{
    [Fact]
    public async Task CreateSetAndDelete_AnswerWithTheClustersUsage_AndADeleteOfAProjectWithVmsElsewhereIsRefused()
    {
        await using var floor = new VmFloor();
        var cluster = new ClusterCounts();
        ProjectsApi projects = Api(floor, cluster);
        cluster.Vms["lab"] = new ClusterProjectVms(2, new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 });
        cluster.Use["lab"] = ClusterProjectUse.None.Plus(new VmUse("host-a", "lab", 192, 1)).Plus(new VmUse("host-b", "lab", 192, 1));

        Result<ProjectInfo> created = await projects.CreateAsync(new ProjectCreateRequest { Name = "lab", Limits = new ProjectLimitsInfo { MemoryMib = 400 } }, CancellationToken.None);
        Result<ProjectInfo> set = await projects.SetAsync("lab", new ProjectSetRequest { Limits = new ProjectLimitsInfo { MemoryMib = 384 } }, CancellationToken.None);

        Assert.Equal(384, created.Value.Usage.MemoryMib);
        ProjectUsageInfo usage = set.Value.Usage;
        Assert.Equal((2, 384L, 2), (usage.Vms, usage.MemoryMib, usage.Vcpus));
        Assert.Equal(new Dictionary<string, long> { ["host-a"] = 192, ["host-b"] = 192 }, usage.MemoryByHost);
        Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }, usage.VcpusByHost);
        Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }, usage.VmsByHost);
        Assert.Equal(384, set.Value.Limits.MemoryMib);

        // Its VMs are on other hosts (none here): refused, naming them; once they are gone it goes.
        Result<ProjectInfo> refused = await projects.DeleteAsync("lab", CancellationToken.None);
        Assert.Equal((ErrorCode.InvalidState, "cannot delete project lab: 2 VM(s) of it are on other hosts of the cluster (host-a 1, host-b 1); delete them there first"), (refused.Error?.Code, refused.Error?.Message));
        Assert.Contains(floor.Db.LoadProjects(), p => p.Name == "lab");
        cluster.Vms.Clear();
        cluster.Use.Clear();
        Result<ProjectInfo> deleted = await projects.DeleteAsync("lab", CancellationToken.None);
        Assert.Equal((0, 0L), (deleted.Value.Usage.Vms, deleted.Value.Usage.MemoryMib));
        Assert.DoesNotContain(floor.Db.LoadProjects(), p => p.Name == "lab");
    }

    private static ProjectsApi Api(VmFloor floor, ClusterCounts cluster)
    {
        var vms = new VmManager(floor.Db, floor.Layout, floor.Registry, new DiskProvisioner(floor.Volumes, floor.Img), floor.Networks, floor.Qemu, floor.Launcher,
            floor.Commands, floor.Events, TimeProvider.System, NullLogger.Instance, cluster);
        return new ProjectsApi(new ProjectService(floor.Db, vms, floor.Volumes, floor.Networks, TimeProvider.System), new AccessWrites(new Direct()));
    }

    /// <summary>A cluster's counts of the projects, as a test sets them.</summary>
    private sealed class ClusterCounts : IVmClaims
    {
        public Dictionary<string, ClusterProjectVms> Vms { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ClusterProjectUse> Use { get; } = new(StringComparer.Ordinal);

        public Task<IReadOnlyDictionary<string, ClusterProjectVms>?> ProjectVmsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<string, ClusterProjectVms>?>(new Dictionary<string, ClusterProjectVms>(Vms));

        public Task<IReadOnlyDictionary<string, ClusterProjectUse>?> ProjectUseAsync(CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<string, ClusterProjectUse>?>(new Dictionary<string, ClusterProjectUse>(Use));

        public Task<HospesError?> ClaimAsync(string name, Guid uuid, string project, bool admit, CancellationToken ct) => Task.FromResult<HospesError?>(null);

        public Task ReleaseAsync(string name, CancellationToken ct) => Task.CompletedTask;

        public Task<HospesError?> CheckArrivalAsync(string name, string fromHost, CancellationToken ct) => Task.FromResult<HospesError?>(null);

        public Task<HospesError?> MoveHereAsync(string name, Guid uuid, string fromHost, CancellationToken ct) => Task.FromResult<HospesError?>(null);

        public Task MoveBackAsync(string name, Guid uuid, string toHost, CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>Access changes made here only (no cluster's copy).</summary>
    private sealed class Direct : IAccessChanges
    {
        public Task<Result<T>> ChangeAccessAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct) => change();
    }
}
