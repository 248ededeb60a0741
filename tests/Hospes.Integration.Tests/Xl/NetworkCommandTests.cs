using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>
/// xl's vif commands on a real guest through the real CLI, hospesd in a network namespace of the test's: network-attach
/// (a tap hospesd makes, handed to QEMU, plugged into a q35 root port), network-list, network-detach; the refusals.
/// </summary>
public sealed class NetworkCommandTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string Mac = "52:54:00:6e:a7:01";
    private NetNs _ns = null!;
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task NetworkAttach_PlugsANicTheGuestUsesOnItsNetwork_NetworkDetachTakesItBack_AndBadAsksLeaveNothing()
    {
        (await _d.CliAsync("network", "create", "lab0", "--subnet", "10.165.5.0/24")).Ok();
        (await _d.CliAsync("network", "create", "lab1", "--subnet", "10.165.6.0/24")).Ok();
        await Guest.CreateAsync(_d, "nic", "machine = 'q35'\nvif = [ 'bridge=lab0' ]");

        // A vif's parameters as one argument or several, as xl takes them.
        CliResult attached = (await _d.CliAsync("network-attach", "nic", "bridge=lab1", $"mac={Mac.ToUpperInvariant()}")).Ok();
        Assert.Contains(Mac, attached.Stdout, StringComparison.Ordinal);
        VifInfo vif = (await _d.JsonAsync<List<VifInfo>>("vif-list", "nic"))[1];
        Assert.Equal((1, Mac, "lab1", "virtio-net"), (vif.Index, vif.Mac, vif.Network, vif.Model));
        Assert.NotNull(vif.Ip);
        Assert.Contains(vif.Tap!, await _ns.LinksAsync(), StringComparison.Ordinal);
        Assert.Contains(vif.Tap!, (await _ns.ExecAsync("nft", "list", "ruleset")).Stdout, StringComparison.Ordinal);

        // The guest sees eth1 with the MAC, gets the vif's address from the network's DHCP and reaches the gateway through it.
        Assert.Equal(Mac, await GuestShell.RunAsync(_d, "nic", "for i in $(seq 100); do [ -e /sys/class/net/eth1 ] && break; usleep 100000; done; cat /sys/class/net/eth1/address"));
        Assert.Equal(vif.Ip, await GuestShell.RunAsync(_d, "nic",
            "ip link set eth1 up; udhcpc -i eth1 -n -q -t 10 -T 1 -s /etc/udhcpc/default.script > /dev/null 2>&1; ip -4 addr show eth1 | grep -o 'inet [0-9.]*' | cut -d' ' -f2"));
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "nic", "ping -c 1 -W 5 -I eth1 10.165.6.1 > /dev/null && echo ok"));

        // The anti-spoofing rules hold for the plugged tap: another address on it gets nowhere.
        Assert.Equal("no", await GuestShell.RunAsync(_d, "nic", "ip -4 addr flush dev eth1; ip addr add 10.165.6.77/24 dev eth1; ping -c 1 -W 2 -I eth1 10.165.6.1 > /dev/null 2>&1 && echo ok || echo no"));

        // network-list: xl's columns, then the network, address and tap.
        string list = (await _d.CliAsync("network-list", "nic")).Ok().Stdout;
        Assert.Contains("Mac Addr.", list, StringComparison.Ordinal);
        Assert.Contains(Mac, list, StringComparison.Ordinal);
        Assert.Contains(vif.Tap!, list, StringComparison.Ordinal);

        // Bad asks: refused with the reason, nothing made.
        string links = await _ns.LinksAsync();
        string mac0 = (await _d.JsonAsync<List<VifInfo>>("vif-list", "nic"))[0].Mac;
        Assert.Contains("vif 'bridge=lab1,mac=nonsense'", (await _d.CliAsync("network-attach", "nic", "bridge=lab1,mac=nonsense")).Fails(), StringComparison.Ordinal);
        Assert.Contains("no network or host bridge named 'nope'", (await _d.CliAsync("network-attach", "nic", "bridge=nope")).Fails(), StringComparison.Ordinal);
        Assert.Contains("is given to another vif too", (await _d.CliAsync("network-attach", "nic", $"bridge=lab1,mac={mac0}")).Fails(), StringComparison.Ordinal);
        Assert.Contains($"ip {vif.Ip} on network 'lab1' is already taken", (await _d.CliAsync("network-attach", "nic", $"bridge=lab1,ip={vif.Ip}")).Fails(), StringComparison.Ordinal);
        Assert.Contains("nic has no vif '7'", (await _d.CliAsync("network-detach", "nic", "7")).Fails(), StringComparison.Ordinal);
        Assert.Contains("only its last vif", (await _d.CliAsync("network-detach", "nic", "0")).Fails(), StringComparison.Ordinal);
        Assert.Equal(2, (await _d.JsonAsync<List<VifInfo>>("vif-list", "nic")).Count);
        Assert.Equal(LinkNames(links), LinkNames(await _ns.LinksAsync()));

        // A microvm guest has no hot-plug: refused, naming the way.
        await Guest.CreateAsync(_d, "mv");
        string refused = (await _d.CliAsync("network-attach", "mv", "bridge=lab1")).Fails();
        Assert.Contains("has no hot-plug", refused, StringComparison.Ordinal);
        Assert.Contains("add the vif to its config", refused, StringComparison.Ordinal);
        Assert.Empty(await _d.JsonAsync<List<VifInfo>>("vif-list", "mv"));
        Assert.Equal(LinkNames(links), LinkNames(await _ns.LinksAsync()));

        // Shut off, it is the spec's alone: there at the next start.
        (await _d.CliAsync("destroy", "mv")).Ok();
        (await _d.CliAsync("network-attach", "mv", "bridge=lab1")).Ok();
        Assert.Equal(["lab1"], (await _d.JsonAsync<List<VifInfo>>("vif-list", "mv")).Select(v => v.Network));

        // Given back by the guest, its tap and rules gone, the spec without it.
        (await _d.CliAsync("network-detach", "nic", Mac)).Ok();
        Assert.Equal("gone", await GuestShell.RunAsync(_d, "nic", "for i in $(seq 100); do [ -e /sys/class/net/eth1 ] || break; usleep 100000; done; [ -e /sys/class/net/eth1 ] && echo there || echo gone"));
        Assert.DoesNotContain(vif.Tap!, await _ns.LinksAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(vif.Tap!, (await _ns.ExecAsync("nft", "list", "ruleset")).Stdout, StringComparison.Ordinal);
        Assert.Equal(["lab0"], (await _d.JsonAsync<List<VifInfo>>("vif-list", "nic")).Select(v => v.Network));

        // Every hot-plug port taken: the next attach fails after its tap, backend and rules were made, and undoes them all.
        links = await _ns.LinksAsync();
        for (int i = 0; i < 4; i++)
        {
            (await _d.CliAsync("network-attach", "nic", "bridge=lab1")).Ok();
        }

        string ruleset = (await _ns.ExecAsync("nft", "list", "ruleset")).Stdout;
        Assert.Contains("no free hot-plug slot", (await _d.CliAsync("network-attach", "nic", "bridge=lab1")).Fails(), StringComparison.Ordinal);
        List<VifInfo> five = await _d.JsonAsync<List<VifInfo>>("vif-list", "nic");
        Assert.Equal(5, five.Count);
        Assert.Equal(LinkNames(links).Concat(five.Skip(1).Select(v => v.Tap!)).Order(StringComparer.Ordinal), LinkNames(await _ns.LinksAsync()));
        Assert.Equal(ruleset, (await _ns.ExecAsync("nft", "list", "ruleset")).Stdout);
    }

    private static List<string> LinkNames(string links) =>
        [.. links.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim()).Order(StringComparer.Ordinal)];
}
