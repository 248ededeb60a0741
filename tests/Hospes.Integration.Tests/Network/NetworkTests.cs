using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Network;

/// <summary>
/// Real bridges, taps, dnsmasq and nftables, all inside a network namespace the test made (hospesd runs in it):
/// nothing here touches the machine's own interfaces.
/// </summary>
public sealed class NetworkTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
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
    public async Task TwoGuests_GetTheirStaticIps_PingEachOtherTheHostAndBeyond_AndNothingRemainsAfterwards()
    {
        NetworkInfo lab = await _d.JsonAsync<NetworkInfo>("network", "create", "lab0", "--subnet", "10.165.1.0/24");
        Assert.Equal("10.165.1.1", lab.Gateway);
        Assert.True(lab.Active);
        Assert.Contains("lab0", await _ns.LinksAsync(), StringComparison.Ordinal);

        await Guest.CreateAsync(_d, "a", "vif = [ 'ip=10.165.1.10,bridge=lab0' ]");
        await Guest.CreateAsync(_d, "b", "vif = [ 'mac=AA:00:00:03:B2:2E,ip=10.165.1.11,bridge=lab0' ]");

        Assert.Equal("10.165.1.10", await AddressAsync("a"));
        Assert.Equal("10.165.1.11", await AddressAsync("b"));
        Assert.Equal("aa:00:00:03:b2:2e", await GuestShell.RunAsync(_d, "b", "cat /sys/class/net/eth0/address"));
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "a", "ping -c 1 -W 5 10.165.1.11 > /dev/null && echo ok"));
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "b", "ping -c 1 -W 5 10.165.1.10 > /dev/null && echo ok"));
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "a", "ping -c 1 -W 5 10.165.1.1 > /dev/null && echo ok"));
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "a", $"ping -c 1 -W 5 {NetNs.OutsideAddress} > /dev/null && echo ok"));
        Assert.Equal(0, await _ns.PingAsync("10.165.1.10"));

        // Names resolve through the network's dnsmasq.
        Assert.Contains("10.165.1.11", await GuestShell.RunAsync(_d, "a", "nslookup b 10.165.1.1 2>&1 | grep -A1 '^Name:'"), StringComparison.Ordinal);

        List<VifInfo> vifs = await _d.JsonAsync<List<VifInfo>>("vif-list", "b");
        VifInfo vif = Assert.Single(vifs);
        Assert.Equal(("aa:00:00:03:b2:2e", "10.165.1.11", "lab0", "lab0", "virtio-net"), (vif.Mac, vif.Ip, vif.Network, vif.Bridge, vif.Model));
        Assert.NotNull(vif.Tap);
        Assert.Contains(vif.Tap!, await _ns.LinksAsync(), StringComparison.Ordinal);
        CliResult table = (await _d.CliAsync("vif-list", "b")).Ok();
        Assert.Contains("10.165.1.11", table.Stdout, StringComparison.Ordinal);

        // Deleting the network while VMs use it is refused and changes nothing.
        string refused = (await _d.CliAsync("network", "delete", "lab0")).Fails();
        Assert.Contains("a, b", refused, StringComparison.Ordinal);
        Assert.True((await _d.JsonAsync<NetworkInfo>("network", "info", "lab0")).Active);

        (await _d.CliAsync("delete", "a", "--force")).Ok();
        (await _d.CliAsync("delete", "b", "--force")).Ok();
        Assert.DoesNotContain(vif.Tap!, await _ns.LinksAsync(), StringComparison.Ordinal);
        (await _d.CliAsync("network", "delete", "lab0")).Ok();

        string links = await _ns.LinksAsync();
        Assert.DoesNotContain("lab0", links, StringComparison.Ordinal);
        Assert.DoesNotContain("hospes:", links, StringComparison.Ordinal);
        Assert.DoesNotContain("hospes_", await _ns.NftTablesAsync(), StringComparison.Ordinal);
        Assert.Empty(_d.Dnsmasqs());
    }

    [Fact]
    public async Task Tcp_FromTheHostIntoAGuest_DirectlyThroughAPortForwardAndWithHospesSsh()
    {
        // vif = [ '' ]: the default network, made when the first VM on it starts.
        await Guest.CreateAsync(_d, "web", "vif = [ '' ]");
        VifInfo vif = Assert.Single(await _d.JsonAsync<List<VifInfo>>("vif-list", "web"));
        Assert.Equal("default", vif.Network);
        string ip = vif.Ip!;
        Assert.Equal(ip, await AddressAsync("web"));

        Assert.StartsWith("SSH-2.0-dropbear", await BannerAsync(ip, 22), StringComparison.Ordinal);

        PortForwardInfo forward = await _d.JsonAsync<PortForwardInfo>("port-forward", "add", "web", "2222:22");
        Assert.Equal((2222, 22, ip), (forward.HostPort, forward.GuestPort, forward.GuestIp));
        // A forward takes connections from elsewhere, never the host's own (#19).
        Assert.StartsWith("SSH-2.0-dropbear", await _ns.TcpBannerFromOutsideAsync(NetNs.HostOutsideAddress, 2222), StringComparison.Ordinal);
        Assert.Equal("", await BannerAsync("127.0.0.1", 2222));
        Assert.Contains("2222", (await _d.CliAsync("port-forward", "list")).Ok().Stdout, StringComparison.Ordinal);

        // hospes ssh runs outside the namespace: hospesd relays the connection.
        CliResult ssh = await _d.CliAsync("ssh", "web", "--", "hostname; cat /proc/sys/kernel/ostype");
        Assert.True(ssh.ExitCode == 0, ssh.Stderr);
        Assert.Equal("web\nLinux", ssh.Stdout.Trim());
        CliResult status = await _d.CliAsync("ssh", "web", "--", "exit 7");
        Assert.Equal(7, status.ExitCode);

        (await _d.CliAsync("port-forward", "remove", "web", "2222")).Ok();
        Assert.Equal("", await _ns.TcpBannerFromOutsideAsync(NetNs.HostOutsideAddress, 2222));
        Assert.Empty(await _d.JsonAsync<List<PortForwardInfo>>("port-forward", "list"));
    }

    [Fact]
    public async Task AnIsolatedNetwork_ReachesItsGuestsAndGatewayOnly()
    {
        (await _d.CliAsync("network", "create", "quiet", "--subnet", "10.165.2.0/24", "--isolated")).Ok();
        await Guest.CreateAsync(_d, "q1", "vif = [ 'bridge=quiet' ]");
        await Guest.CreateAsync(_d, "q2", "vif = [ 'bridge=quiet' ]");
        string q2 = (await _d.JsonAsync<List<VifInfo>>("vif-list", "q2")).Single().Ip!;
        Assert.Equal(q2, await AddressAsync("q2"));
        await AddressAsync("q1");

        Assert.Equal("ok", await GuestShell.RunAsync(_d, "q1", $"ping -c 1 -W 5 {q2} > /dev/null && echo ok"));
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "q1", "ping -c 1 -W 5 10.165.2.1 > /dev/null && echo ok"));

        // DHCP gave no default route; one added by hand shows that the host's rules, not routing, stop the packets.
        Assert.Equal("no", await GuestShell.RunAsync(_d, "q1", $"ping -c 1 -W 3 {NetNs.OutsideAddress} > /dev/null 2>&1 && echo ok || echo no"));
        await GuestShell.RunAsync(_d, "q1", "ip route add default via 10.165.2.1");
        Assert.Equal("no", await GuestShell.RunAsync(_d, "q1", $"ping -c 1 -W 3 {NetNs.OutsideAddress} > /dev/null 2>&1 && echo ok || echo no"));
        Assert.Equal("no", await GuestShell.RunAsync(_d, "q1", $"ping -c 1 -W 3 {NetNs.HostAddress} > /dev/null 2>&1 && echo ok || echo no"));
        Assert.Equal("no", await GuestShell.RunAsync(_d, "q1", $"ping -c 1 -W 3 {NetNs.HostOutsideAddress} > /dev/null 2>&1 && echo ok || echo no"));
    }

    [Fact]
    public async Task BadNetworksAndVifs_AreRefusedWithTheReason_AndLeaveNothing()
    {
        (await _d.CliAsync("network", "create", "lab0", "--subnet", "10.165.1.0/24")).Ok();
        string before = await _ns.LinksAsync();
        await _ns.ExecAsync("ip", "link", "add", "taken0", "type", "bridge");

        Assert.Contains("overlaps network 'lab0'", (await _d.CliAsync("network", "create", "lab1", "--subnet", "10.165.0.0/16")).Fails(), StringComparison.Ordinal);
        Assert.Contains("overlaps 192.0.2.0/24", (await _d.CliAsync("network", "create", "lab1", "--subnet", "192.0.2.0/25")).Fails(), StringComparison.Ordinal);
        Assert.Contains("already has an interface named 'taken0'", (await _d.CliAsync("network", "create", "lab1", "--subnet", "10.165.9.0/24", "--bridge", "taken0")).Fails(), StringComparison.Ordinal);
        Assert.Contains("10.165.3.0", (await _d.CliAsync("network", "create", "lab1", "--subnet", "10.165.3.7/24")).Fails(), StringComparison.Ordinal);
        Assert.Contains("already exists", (await _d.CliAsync("network", "create", "lab0", "--subnet", "10.165.4.0/24")).Fails(), StringComparison.Ordinal);

        Assert.Contains("outside network 'lab0'", await CreateFailsAsync("x1", "vif = [ 'ip=10.165.2.5,bridge=lab0' ]"), StringComparison.Ordinal);
        Assert.Contains("no network or host bridge named 'nope'", await CreateFailsAsync("x2", "vif = [ 'bridge=nope' ]"), StringComparison.Ordinal);
        Assert.Contains("gateway", await CreateFailsAsync("x3", "vif = [ 'ip=10.165.1.1,bridge=lab0' ]"), StringComparison.Ordinal);

        (await _d.CliAsync("define", _d.WriteConfig("ok.cfg", Guest.Config("ok", "vif = [ 'mac=aa:00:00:00:00:01,ip=10.165.1.20,bridge=lab0' ]")))).Ok();
        Assert.Contains("already taken by VM 'ok'", await CreateFailsAsync("x4", "vif = [ 'ip=10.165.1.20,bridge=lab0' ]"), StringComparison.Ordinal);
        Assert.Contains("already used by VM 'ok'", await CreateFailsAsync("x5", "vif = [ 'mac=aa:00:00:00:00:01,bridge=lab0' ]"), StringComparison.Ordinal);

        Assert.Equal(["ok"], (await _d.ListAsync()).Select(v => v.Name));
        Assert.Equal(["default", "lab0"], (await _d.JsonAsync<List<NetworkInfo>>("network", "list")).Select(n => n.Name));
        string after = (await _ns.LinksAsync()).Replace(TakenLine(await _ns.LinksAsync()), "", StringComparison.Ordinal);
        Assert.Equal(LinkNames(before), LinkNames(after));
        Assert.Empty(_d.Qemus());
    }

    [Fact]
    public async Task AfterHospesdIsKilled_NetworksAndGuestsKeepWorking_AndReconcileTouchesOnlyItsOwn()
    {
        (await _d.CliAsync("network", "create", "lab0", "--subnet", "10.165.1.0/24")).Ok();
        await Guest.CreateAsync(_d, "a", "vif = [ 'bridge=lab0' ]");
        string ip = await AddressAsync("a");
        int? dnsmasq = (await _d.JsonAsync<NetworkInfo>("network", "info", "lab0")).DnsmasqPid;
        Assert.NotNull(dnsmasq);
        await _ns.ExecAsync("ip", "link", "add", "foreign0", "type", "bridge");

        await _d.KillHardAsync();
        await _d.RestartAsync();

        NetworkInfo lab = await _d.JsonAsync<NetworkInfo>("network", "info", "lab0");
        Assert.True(lab.Active);
        Assert.Equal(dnsmasq, lab.DnsmasqPid);
        Assert.Equal(VmState.Running, (await _d.InfoAsync("a")).State);
        Assert.Equal(0, await _ns.PingAsync(ip));
        Assert.Contains("foreign0", await _ns.LinksAsync(), StringComparison.Ordinal);
    }

    private async Task<string> CreateFailsAsync(string name, string vif)
    {
        string cfg = _d.WriteConfig($"{name}.cfg", Guest.Config(name, vif));
        return (await _d.CliAsync("create", cfg)).Fails();
    }

    /// <summary>The guest's eth0 address once DHCP gave it one.</summary>
    private Task<string> AddressAsync(string vm) => GuestShell.RunAsync(
        _d, vm, "for i in $(seq 1 100); do ip -4 addr show eth0 | grep -q 'inet ' && break; sleep 0.2; done; ip -4 addr show eth0 | grep -o 'inet [0-9.]*' | cut -d' ' -f2");

    private Task<string> BannerAsync(string address, int port) => _ns.TcpBannerAsync(address, port);

    private static string TakenLine(string links) => links.Split('\n').FirstOrDefault(l => l.Contains("taken0", StringComparison.Ordinal)) ?? "";

    private static List<string> LinkNames(string links) =>
        [.. links.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim()).Order(StringComparer.Ordinal)];
}
