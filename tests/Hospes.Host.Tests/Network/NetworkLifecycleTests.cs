using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;

namespace Hospes.Host.Tests.Network;

/// <summary>Creating and deleting networks against a faked host: what is checked, made and removed.</summary>
public sealed class NetworkLifecycleTests
{
    [Fact]
    public async Task Start_OfANewHost_DefinesTheDefaultNetwork_OnTheFirst10254SubnetTheHostDoesNotRoute()
    {
        var floor = new NetworkFloor();
        using (floor)
        {
            floor.Host.Routed.Add((IPAddress.Parse("10.254.0.0"), 24));
            await floor.Networks.InitializeAsync(CancellationToken.None);

            Assert.Equal(("default", "hospes0", "10.254.1.0/24", "nat"), floor.Networks.All.Select(n => (n.Name, n.Bridge, n.Subnet, n.Mode)).Single());
            Assert.Empty(floor.Host.Calls);
        }
    }

    [Fact]
    public async Task TheDefaultNetwork_DeletedOnPurpose_IsNotMadeAgainAtTheNextStart()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        Assert.True((await floor.Networks.DeleteAsync("default", CancellationToken.None)).IsOk);

        var options = new Hospes.Host.Settings.HostOptions { StateDir = Path.GetDirectoryName(floor.Networks.NetworksDir)!, RunDir = floor.RunDir };
        using var restarted = new NetworkService(floor.Db, floor.Vms, options, floor.Host, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await restarted.InitializeAsync(CancellationToken.None);

        Assert.Empty(restarted.All);
    }

    [Fact]
    public async Task Create_MakesTheBridgeRulesAndDnsmasq_AndShowsTheNetworkActive()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();

        Result<NetworkStatus> made = await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "isolated", null), CancellationToken.None);

        NetworkStatus lab = made.Value;
        Assert.Equal(("lab", "lab", "10.165.1.1", true), (lab.Network.Name, lab.Network.Bridge, lab.Gateway, lab.Active));
        Assert.NotNull(lab.DnsmasqPid);
        Assert.Equal(
            [$"ip link add lab type bridge alias {floor.AliasOf("lab")}", "ip address replace 10.165.1.1/24 dev lab", "sysctl net/ipv4/conf/lab/route_localnet=0", "nft apply hospes_lab", "dnsmasq lab (0 hosts)"],
            floor.Host.Calls);
    }

    [Theory]
    [InlineData("lab", "10.165.2.0/24", "a network named 'lab' already exists (10.165.1.0/24)")]
    [InlineData("lab2", "10.165.1.128/25", "subnet 10.165.1.128/25 overlaps network 'lab' (10.165.1.0/24)")]
    [InlineData("lab3", "192.168.1.0/25", "subnet 192.168.1.0/25 overlaps 192.168.1.0/24, which this host already routes")]
    public async Task Create_OnANameOrSubnetInUse_IsRefused_AndNothingIsMade(string name, string subnet, string reason)
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Host.Routed.Add((IPAddress.Parse("192.168.1.0"), 24));
        Assert.True((await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "nat", null), CancellationToken.None)).IsOk);
        floor.Host.ClearCalls();

        Result<NetworkStatus> made = await floor.Networks.CreateAsync(new NetworkDefinition(name, subnet, "nat", null), CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, made.Error!.Code);
        Assert.StartsWith(reason, made.Error.Message, StringComparison.Ordinal);
        Assert.Empty(floor.Host.Calls);
        Assert.Equal(["default", "lab"], floor.Networks.All.Select(n => n.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Create_WhenTheRulesCannotBeApplied_LeavesNoRecordAndNoBridge()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Host.Fail("nft apply", "Error: Could not process rule: Operation not supported");

        Result<NetworkStatus> made = await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "nat", null), CancellationToken.None);

        Assert.Equal(
            "network 'lab' cannot be brought up: 'nft apply hospes_lab' failed with exit code 2: Error: Could not process rule: Operation not supported; nothing was created",
            made.Error!.Message);
        Assert.DoesNotContain(floor.Networks.All, n => n.Name == "lab");
        Assert.Empty(floor.Host.Links);
    }

    [Fact]
    public async Task Delete_OfANetworkInUse_IsRefused_NamingTheVms_AndTouchesNothing()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        Assert.True((await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "nat", null), CancellationToken.None)).IsOk);
        floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "lab" });
        floor.Define("db", vifs: new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "lab" });
        floor.Host.ClearCalls();

        Result<NetworkStatus> deleted = await floor.Networks.DeleteAsync("lab", CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidState, deleted.Error!.Code);
        Assert.Equal("network 'lab' is used by 2 VM(s): db, web; delete them or move their vifs to another network first", deleted.Error.Message);
        Assert.Empty(floor.Host.Calls);
        Assert.Contains(floor.Networks.All, n => n.Name == "lab");
    }

    [Fact]
    public async Task Delete_OfAnUnusedNetwork_RemovesItsDnsmasqRulesAndBridge_AndShowsItAsItWas_Inactive()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        Assert.True((await floor.Networks.CreateAsync(new NetworkDefinition("lab", "10.165.1.0/24", "nat", null), CancellationToken.None)).IsOk);
        floor.Host.ClearCalls();

        NetworkStatus lab = (await floor.Networks.DeleteAsync("lab", CancellationToken.None)).Value;

        Assert.Equal(("lab", false, (int?)null), (lab.Network.Name, lab.Active, lab.DnsmasqPid));
        Assert.Equal(["dnsmasq stop lab", "nft delete table hospes_lab", "ip link delete lab"], floor.Host.Calls);
        Assert.Empty(floor.Host.Links);
        Assert.False(Directory.Exists(floor.NetworkDir("lab")));
        Assert.DoesNotContain(floor.Networks.All, n => n.Name == "lab");
        Assert.Equal(ErrorCode.NotFound, (await floor.Networks.DeleteAsync("lab", CancellationToken.None)).Error!.Code);
    }
}
