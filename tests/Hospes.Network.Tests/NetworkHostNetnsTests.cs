using Hospes.Network.Addressing;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;
using Hospes.Network.Tests.Support;

namespace Hospes.Network.Tests;

/// <summary>hospesd's seam to the host over the real tools, in a namespace of the test's own. Needs root.</summary>
[Trait("Requires", "root")]
public sealed class NetworkHostNetnsTests : IAsyncLifetime
{
    private Netns _ns = null!;

    public async Task InitializeAsync() => _ns = await Netns.CreateAsync();

    public async Task DisposeAsync() => await _ns.DisposeAsync();

    [Fact]
    public async Task AttachTap_PutsTheTapQemuMadeOnItsBridge_AndBringsItUp()
    {
        CancellationToken ct = CancellationToken.None;
        var host = new NetworkHost(_ns.Tools, TimeProvider.System);
        await host.CreateBridgeAsync("hb0", "hospes:test:net:lab", ct);
        await _ns.RunAsync("ip", "tuntap", "add", "dev", "ht0", "mode", "tap");

        await host.AttachTapAsync("ht0", "hb0", ct);

        LinkInfo tap = (await host.ListLinksAsync(ct)).Single(l => l.Name == "ht0");
        Assert.Equal(("hb0", true), (tap.Master, tap.IsUp));
    }

    [Fact]
    public async Task Rules_AreAppliedListedAndDeleted()
    {
        CancellationToken ct = CancellationToken.None;
        var host = new NetworkHost(_ns.Tools, TimeProvider.System);
        await host.CreateBridgeAsync("hb0", "hospes:test:net:lab", ct);

        await host.ApplyRulesAsync(new NftNetwork("hospes_hb0", "hb0", Ipv4Subnet.Parse("10.165.1.0/24"), NetworkMode.Nat, []), ct);
        Assert.Contains("hospes_hb0", await host.ListTablesAsync(ct));

        await host.DeleteRulesAsync("hospes_hb0", ct);
        await host.DeleteRulesAsync("hospes_hb0", ct); // again: not an error
        Assert.DoesNotContain("hospes_hb0", await host.ListTablesAsync(ct));
    }
}
