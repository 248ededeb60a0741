using System.Net;
using Hospes.Network.Addressing;
using Hospes.Network.Firewall;
using Hospes.Network.Tests.Support;
using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Firewall;

/// <summary>Rulesets loaded into a real kernel, in a namespace of the test's own. Needs root.</summary>
[Trait("Requires", "root")]
public class NftNetnsTests : IAsyncLifetime
{
    private static readonly Ipv4Subnet Subnet = Ipv4Subnet.Parse("10.165.1.0/24");

    private static readonly PortForward[] Forwards =
    [
        new("tcp", 2222, IPAddress.Parse("10.165.1.10"), 22),
        new("udp", 5353, IPAddress.Parse("10.165.1.11"), 53),
    ];

    private Netns _ns = null!;

    private Nft Nft => new(_ns.Tools);

    public async Task InitializeAsync() => _ns = await Netns.CreateAsync();

    public async Task DisposeAsync() => await _ns.DisposeAsync();

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public async Task Ruleset_PassesTheKernelsCheck(NetworkMode mode)
    {
        var n = new NftNetwork("hospes-lab", "hb-lab", Subnet, mode, Forwards) { Guests = [new("hs0a1b2c3d-0", "52:54:00:aa:00:01", IPAddress.Parse("10.165.1.10"))] };
        await Nft.CheckAsync(n, CancellationToken.None);
        Assert.DoesNotContain("hospes-lab", await Nft.ListTablesAsync(CancellationToken.None)); // -c changes nothing
    }

    [Fact]
    public async Task Apply_Replace_Delete()
    {
        CancellationToken ct = CancellationToken.None;
        await _ns.RunAsync("nft", "add", "table", "ip", "someone-else");

        await Nft.ApplyAsync(new NftNetwork("hospes-lab", "hb0", Subnet, NetworkMode.Nat, Forwards), ct);
        Assert.Equal(["hospes-lab", "someone-else"], (await Nft.ListTablesAsync(ct)).Order(StringComparer.Ordinal));
        string nat = await Nft.ListTableAsync("hospes-lab", ct);
        Assert.Contains("fib daddr type local tcp dport 2222 dnat to 10.165.1.10:22", nat, StringComparison.Ordinal);
        Assert.Contains("ip saddr 10.165.1.0/24 ip daddr != 10.165.1.0/24 masquerade", nat, StringComparison.Ordinal);

        // Applying again replaces the table as a whole: no rule is left twice, none of the old mode stays.
        await Nft.ApplyAsync(new NftNetwork("hospes-lab", "hb0", Subnet, NetworkMode.Isolated, [Forwards[1]]), ct);
        string isolated = await Nft.ListTableAsync("hospes-lab", ct);
        Assert.DoesNotContain("dport 2222", isolated, StringComparison.Ordinal);
        Assert.DoesNotContain("ip daddr != 10.165.1.0/24 masquerade", isolated, StringComparison.Ordinal);
        Assert.Contains("udp dport 5353 dnat to 10.165.1.11:53", isolated, StringComparison.Ordinal);
        Assert.Single(isolated.Split('\n'), l => l.Contains("oifname \"hb0\" drop", StringComparison.Ordinal));
        Assert.Equal(2, isolated.Split('\n').Count(l => l.Contains("iifname \"hb0\" drop", StringComparison.Ordinal))); // forward and input

        Assert.Contains("table bridge hospes-lab", (await _ns.RunAsync("nft", "list", "tables")).StandardOutput, StringComparison.Ordinal);

        await Nft.DeleteTableAsync("hospes-lab", ct);
        await Nft.DeleteTableAsync("hospes-lab", ct); // absent: not an error
        Assert.Equal(["someone-else"], await Nft.ListTablesAsync(ct));
        Assert.DoesNotContain("hospes-lab", (await _ns.RunAsync("nft", "list", "tables")).StandardOutput, StringComparison.Ordinal); // the bridge table went too
    }

    [Fact]
    public async Task AFailingReplaceScript_KeepsTheOldTable()
    {
        CancellationToken ct = CancellationToken.None;
        await Nft.ApplyAsync(new NftNetwork("hospes-lab", "hb0", Subnet, NetworkMode.Nat, Forwards), ct);

        // ApplyAsync relies on nft running a file as one kernel transaction: a script that deletes the table and
        // then has a chain the kernel refuses (nat on the forward hook; nft's parser lets it pass) leaves the old
        // table in place, so traffic never runs unfiltered.
        const string Script = "delete table ip hospes-lab\ntable ip hospes-lab {\n\tchain p {\n\t\ttype nat hook forward priority 0;\n\t}\n}\n";
        NetToolException e = await Assert.ThrowsAsync<NetToolException>(() => _ns.Tools.RunAsync("nft", ["-f", "-"], Script, ct));
        Assert.Contains("Operation not supported", e.Message, StringComparison.Ordinal);
        Assert.Contains("dport 2222", await Nft.ListTableAsync("hospes-lab", ct), StringComparison.Ordinal);
    }
}
