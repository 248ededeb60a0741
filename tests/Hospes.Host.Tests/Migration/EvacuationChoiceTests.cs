using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Placement;
using Hospes.Host.Migration.Evacuation;

namespace Hospes.Host.Tests.Migration;

/// <summary>An evacuation's destination is the placement scheduler's first host, among the members this host may migrate to.</summary>
public class EvacuationChoiceTests
{
    private static readonly Dictionary<string, long> Nothing = [];

    private static HostResources Res(long limit, long committed, long free = 20000, int vms = 0) =>
        new() { MemoryCommitLimitMib = limit, MemoryCommittedMib = committed, MemoryFreeMib = free, MemoryReserveMib = 1000, Vms = vms };

    [Fact]
    public void TheSchedulersFirstHostWins_NotTheOneWithMostFreeMemory()
    {
        // b has more free memory, but its commit limit leaves less than c's: the scheduler (and so evacuation) picks c.
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: true, Res(99000, 0)),
            new("b", Up: true, Cordoned: false, Res(3000, 1000, free: 30000)),
            new("c", Up: true, Cordoned: false, Res(8000, 1000, free: 20000)),
        ];

        Assert.Equal("c", EvacuationService.Choose(hosts, "a", _ => true, "web", 512, Nothing).Value);
    }

    [Fact]
    public void WhatThisEvacuationSentAlready_Counts()
    {
        PlacementCandidate[] hosts =
        [
            new("b", Up: true, Cordoned: false, Res(4000, 1000)),
            new("c", Up: true, Cordoned: false, Res(5000, 1000)),
        ];

        // c admits 4000, b 3000; after 1500 MiB went to c, c admits 2500: b is first.
        Assert.Equal("c", EvacuationService.Choose(hosts, "a", _ => true, "g1", 1024, Nothing).Value);
        Assert.Equal("b", EvacuationService.Choose(hosts, "a", _ => true, "g2", 1024, new Dictionary<string, long> { ["c"] = 1500 }).Value);
    }

    [Fact]
    public void ThisHost_HostsItDoesNotTrust_CordonedAndDownHosts_AreNeverChosen_AndTheRefusalSaysWhy()
    {
        PlacementCandidate[] hosts =
        [
            new("a", Up: true, Cordoned: false, Res(99000, 0)),
            new("b", Up: true, Cordoned: false, Res(99000, 0)),
            new("c", Up: false, Cordoned: false, Res(99000, 0)),
            new("d", Up: true, Cordoned: true, Res(99000, 0)),
            new("e", Up: true, Cordoned: false, Res(2000, 0)),
        ];

        Assert.Equal("e", EvacuationService.Choose(hosts, "a", n => n != "b", "web", 512, Nothing).Value);

        Result<string> none = EvacuationService.Choose(hosts, "a", n => n != "b", "web", 4096, Nothing);
        Assert.False(none.IsOk);
        Assert.Contains("no host can admit its 4096 MiB", none.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("b: not trusted by this host", none.Error!.Message, StringComparison.Ordinal);

        Result<string> alone = EvacuationService.Choose([hosts[0]], "a", _ => true, "web", 512, Nothing);
        Assert.Contains("this host is the cluster's only member", alone.Error!.Message, StringComparison.Ordinal);
    }
}
