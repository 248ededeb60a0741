using Hospes.Host.Network;
using Hospes.Host.State;

namespace Hospes.Host.Tests.Network;

/// <summary>What hospesd repairs at start: only what this hospesd (its state dir) left behind.</summary>
public sealed class NetworkReconcileTests
{
    [Fact]
    public async Task Reconcile_RemovesThisHospesdsLeftovers_AndLeavesAnotherHospesdsAndTheHostsOwn()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        Assert.True((await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "nat", null), CancellationToken.None)).IsOk);

        // A bridge of a network deleted while hospesd was down, another hospesd's bridge, and the host's own.
        floor.Host.AddLink("gone0", alias: floor.AliasOf("gone"));
        floor.Host.AddLink("other0", alias: "hospes:0badcafe:net:gone");
        floor.Host.AddLink("br0");
        floor.Host.Tables["hospes_gone0"] = null;
        floor.Host.Tables["hospes_other0"] = null;
        floor.Host.Tables["hospes_vanished"] = null;
        floor.Host.Tables["filter"] = null;

        // A deleted network's folder with its dnsmasq still running; a network whose bridge went with a reboot, its dnsmasq not.
        Directory.CreateDirectory(floor.NetworkDir("old"));
        floor.Host.Dhcp[floor.NetworkDir("old")] = (null, 31000);
        floor.Db.TryInsertNetwork(new NetworkRecord { Name = "down", Bridge = "down0", Subnet = "10.165.2.0/24", Mode = "nat" });
        floor.Host.Dhcp[floor.NetworkDir("down")] = (null, 31001);
        floor.Host.ClearCalls();

        await floor.Networks.ReconcileAsync(CancellationToken.None);

        Assert.Equal(["br0", "lab", "other0"], floor.Host.Links.Select(l => l.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["filter", "hospes_lab", "hospes_other0"], floor.Host.Tables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([floor.NetworkDir("lab")], floor.Host.Dhcp.Keys);
        Assert.False(Directory.Exists(floor.NetworkDir("old")));
        Assert.Contains("nft apply hospes_lab", floor.Host.Calls);
        Assert.DoesNotContain(floor.Host.Calls, c => c.Contains("other0", StringComparison.Ordinal) || c.Contains("br0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconcile_OfAHostWithNothingLeft_ChangesNothing()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();

        await floor.Networks.ReconcileAsync(CancellationToken.None);

        Assert.Empty(floor.Host.Calls);
    }
}
