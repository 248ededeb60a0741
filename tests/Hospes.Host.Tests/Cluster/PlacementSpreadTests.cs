using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Placement;

namespace Hospes.Host.Tests.Cluster;

public class PlacementSpreadTests
{
    private static HostResources Res(long limit, long committed, int vms = 0) =>
        new() { MemoryCommitLimitMib = limit, MemoryCommittedMib = committed, MemoryFreeMib = 100000, MemoryReserveMib = 1000, Vms = vms };

    [Fact]
    public void ARun_IsPlannedAtOnce_EachCloneWhereMostIsLeftAfterThoseBeforeIt()
    {
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: false, Res(4000, 0)),
            new("b", Up: true, Cordoned: false, Res(2000, 0)),
            new("c", Up: true, Cordoned: false, Res(2000, 0, vms: 3)),
        ];

        Result<IReadOnlyList<string>> plan = PlacementScheduler.Spread(hosts, 8, 1000, null, "clones");

        // a has 4000: it takes clones until it has as much left as b and c; then fewest VMs (counting the plan's), then name.
        Assert.Equal(["a", "a", "b", "a", "c", "b", "a", "c"], plan.Value);
    }

    [Fact]
    public void CordonedAndDownHosts_GetNone_APinnedHostGetsAll()
    {
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: false, Res(4000, 0)),
            new("b", Up: true, Cordoned: true, Res(90000, 0)),
            new("c", Up: false, Cordoned: false, Res(90000, 0)),
        ];

        Assert.Equal(["a", "a", "a"], PlacementScheduler.Spread(hosts, 3, 1000, null, "clones").Value);
        Assert.Contains("cordoned", PlacementScheduler.Spread(hosts, 3, 1000, "b", "clones").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("down", PlacementScheduler.Spread(hosts, 3, 1000, "c", "clones").Error!.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "a"], PlacementScheduler.Spread(hosts, 2, 1000, "a", "clones").Value);
    }

    [Fact]
    public void WhenNoHostHasRoomLeft_TheSpreadGoesOnByTheSameOrder()
    {
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: false, Res(2500, 0)),
            new("b", Up: true, Cordoned: false, Res(2500, 0)),
        ];

        Assert.Equal(["a", "b", "a", "b", "a", "b"], PlacementScheduler.Spread(hosts, 6, 1000, null, "clones").Value);
    }
}
