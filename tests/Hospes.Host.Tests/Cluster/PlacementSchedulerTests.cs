using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Placement;

namespace Hospes.Host.Tests.Cluster;

public class PlacementSchedulerTests
{
    private static HostResources Res(long limit, long committed, long free = 20000, long reserve = 1000, int vms = 0) =>
        new() { MemoryCommitLimitMib = limit, MemoryCommittedMib = committed, MemoryFreeMib = free, MemoryReserveMib = reserve, Vms = vms };

    [Fact]
    public void AdmitsMib_IsTheLesserOfTheCommitLimitLeftAndWhatIsAvailableAboveTheReserve()
    {
        Assert.Equal(1500, PlacementScheduler.AdmitsMib(Res(limit: 4000, committed: 2500)));
        Assert.Equal(500, PlacementScheduler.AdmitsMib(Res(limit: 40000, committed: 0, free: 1500, reserve: 1000)));
        Assert.Equal(0, PlacementScheduler.AdmitsMib(Res(limit: 1000, committed: 3000)));
    }

    [Fact]
    public void TheHostWithMostMemoryLeft_ComesFirst_ThenFewestVms_AndDownCordonedOrFullHostsNever()
    {
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: false, Res(4000, 3000, vms: 1)),
            new("b", Up: true, Cordoned: false, Res(8000, 1000, vms: 5)),
            new("c", Up: true, Cordoned: false, Res(8000, 1000, vms: 2)),
            new("d", Up: false, Cordoned: false, Res(99000, 0)),
            new("e", Up: true, Cordoned: true, Res(99000, 0)),
            new("f", Up: true, Cordoned: false, Res(1100, 1000)),
        ];

        Result<IReadOnlyList<string>> order = PlacementScheduler.Order(hosts, 512, null, "web");

        Assert.Equal(["c", "b", "a"], order.Value);
    }

    [Fact]
    public void APinnedHost_IsTheOneAnswer_UnlessItIsUnknownDownOrCordoned()
    {
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: false, Res(4000, 3990)),
            new("b", Up: false, Cordoned: false, null),
            new("c", Up: true, Cordoned: true, Res(8000, 0)),
        ];

        Assert.Equal(["a"], PlacementScheduler.Order(hosts, 512, "a", "web").Value);
        Assert.Equal("no host named 'x' in the cluster; its hosts are a, b, c (`hospes cluster list`)", PlacementScheduler.Order(hosts, 512, "x", "web").Error!.Message);
        Assert.Equal("cannot place VM 'web' on host 'b': it is down; choose another host with --host, or leave --host out", PlacementScheduler.Order(hosts, 512, "b", "web").Error!.Message);
        Assert.Contains("it is cordoned (evacuated) and takes no new VMs", PlacementScheduler.Order(hosts, 512, "c", "web").Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoHostThatFits_IsRefused_NamingWhatEachHasLeft()
    {
        PlacementCandidate[] hosts = [new("a", true, false, Res(4000, 3900)), new("b", false, false, null)];

        HospesError error = PlacementScheduler.Order(hosts, 512, null, "web").Error!;

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Equal("cannot place VM 'web': no host can admit its 512 MiB (left after admission: a 100 MiB); stop a VM, give it less memory, or add a host", error.Message);
        Assert.Contains("no host of the cluster takes new VMs now (b down)", PlacementScheduler.Order([hosts[1]], 512, null, "web").Error!.Message, StringComparison.Ordinal);
    }
}
