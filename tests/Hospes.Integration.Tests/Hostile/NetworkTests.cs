using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>
/// A guest that misbehaves on the network (issue 13, findings #16 and #19): hospesd, its bridges, dnsmasq and nftables
/// all run inside a network namespace the test made, as in Network/NetworkTests; nothing touches the machine's own
/// interfaces or addresses.
/// </summary>
public sealed class NetworkTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const int HostServicePort = 8086;
    private const string HostServiceBanner = "HOST-ONLY-SERVICE";

    private NetNs _ns = null!;
    private Daemon _d = null!;
    private Process? _service;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
    }

    public async Task DisposeAsync()
    {
        if (_service is { HasExited: false })
        {
            _service.Kill(entireProcessTree: true);
            await _service.WaitForExitAsync();
        }

        _service?.Dispose();
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task HospesSsh_ToAGuestWhoseHostKeyChanged_IsRefusedWithAClearMessage_AndSendsNothing()
    {
        await Guest.CreateAsync(_d, "web", "vif = [ '' ]");
        await AddressAsync("web");

        // The guest shows the host key hospesd made for it: ssh accepts it with strict checking.
        CliResult first = await _d.CliAsync("ssh", "web", "--", "hostname");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal("web", first.Stdout.Trim());

        // Something else answers at its address with another key (here: the guest's SSH server, restarted with a key
        // of its own, as a root inside the guest or an impostor could).
        await GuestShell.RunAsync(_d, "web", "kill $(cat /run/dropbear.pid); sleep 1; rm -f /etc/dropbear/hospes_ed25519_host_key; dropbear -E -R -s -p 22 -P /run/dropbear.pid 2>/dev/null; sleep 1");

        CliResult changed = await _d.CliAsync("ssh", "web", "--", "echo ran-in-guest");
        Assert.NotEqual(0, changed.ExitCode);
        Assert.DoesNotContain("ran-in-guest", changed.Stdout, StringComparison.Ordinal);
        Assert.Contains("refused web: it did not show the SSH host key Hospes gave it (ssh-ed25519 SHA256:", changed.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was sent to it", changed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANatGuest_ReachesOnlyDhcpDnsAndPingOnItsGateway_CannotSendAsAnotherAddressOrMac_AndForwardsLeaveTheHostsOwnConnectionsAlone()
    {
        await Guest.CreateAsync(_d, "web", "vif = [ '' ]");
        string ip = await AddressAsync("web");
        string gateway = (await _d.JsonAsync<NetworkInfo>("network", "info", "default")).Gateway;

        // A service of the host's, listening on all its addresses: the guest must not reach it (#16).
        await StartHostServiceAsync();
        Assert.Equal(HostServiceBanner, await _ns.TcpBannerAsync("127.0.0.1", HostServicePort));
        Assert.Equal("ping-ok", await GuestShell.RunAsync(_d, "web", $"ping -c 1 -W 5 {gateway} > /dev/null && echo ping-ok"));
        foreach (string address in new[] { gateway, NetNs.HostAddress, NetNs.HostOutsideAddress })
        {
            Assert.Equal("[]", await GuestShell.RunAsync(_d, "web", $"echo \"[$(nc -w 3 {address} {HostServicePort} < /dev/null 2>/dev/null)]\""));
        }

        // The world beyond the host stays reachable through NAT.
        Assert.Equal("ping-ok", await GuestShell.RunAsync(_d, "web", $"ping -c 1 -W 5 {NetNs.OutsideAddress} > /dev/null && echo ping-ok"));

        // #19: a forward may not take a port a host program holds, nor one in the kernel's ephemeral range; one that is
        // added takes only what comes from elsewhere, never the host's own connections.
        Assert.Contains("in use by a program on this host", (await _d.CliAsync("port-forward", "add", "web", $"{HostServicePort}:22")).Fails(), StringComparison.Ordinal);
        Assert.Contains("ephemeral port range", (await _d.CliAsync("port-forward", "add", "web", "40000:22")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("port-forward", "add", "web", "2222:22")).Ok();
        Assert.StartsWith("SSH-2.0-dropbear", await _ns.TcpBannerFromOutsideAsync(NetNs.HostOutsideAddress, 2222), StringComparison.Ordinal);
        Assert.Equal("", await _ns.TcpBannerAsync("127.0.0.1", 2222));
        Assert.Equal("", await _ns.TcpBannerAsync(NetNs.HostAddress, 2222));
        Assert.Equal(HostServiceBanner, await _ns.TcpBannerAsync("127.0.0.1", HostServicePort));

        // #16: another address of the subnet, then another MAC: the tap drops what the guest sends as someone else.
        string other = string.Join('.', gateway.Split('.')[..3]) + ".250";
        Assert.Equal("no", await GuestShell.RunAsync(
            _d, "web", $"ip addr add {other}/32 dev eth0; ping -c 1 -W 3 -I {other} {gateway} > /dev/null 2>&1 && echo ok || echo no"));
        Assert.Equal("ping-ok", await GuestShell.RunAsync(_d, "web", $"ping -c 1 -W 5 -I {ip} {gateway} > /dev/null && echo ping-ok"));
        Assert.Equal("no", await GuestShell.RunAsync(
            _d, "web", $"ip link set eth0 down; ip link set eth0 address aa:00:00:0e:0e:0e; ip link set eth0 up; sleep 1; ping -c 2 -W 3 {gateway} > /dev/null 2>&1 && echo ok || echo no"));
    }

    private async Task StartHostServiceAsync()
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["netns", "exec", _ns.Name, "timeout", "300", "socat", $"TCP-LISTEN:{HostServicePort},fork,reuseaddr", $"SYSTEM:echo {HostServiceBanner}"])
        {
            psi.ArgumentList.Add(a);
        }

        _service = Process.Start(psi)!;
        for (int i = 0; i < 50; i++)
        {
            if ((await _ns.ExecAsync("ss", "-Hltn", $"sport = :{HostServicePort}")).Stdout.Contains("LISTEN", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"socat did not listen on port {HostServicePort} in {_ns.Name}");
    }

    private Task<string> AddressAsync(string vm) => GuestShell.RunAsync(
        _d, vm, "for i in $(seq 1 100); do ip -4 addr show eth0 | grep -q 'inet ' && break; sleep 0.2; done; ip -4 addr show eth0 | grep -o 'inet [0-9.]*' | cut -d' ' -f2");
}
