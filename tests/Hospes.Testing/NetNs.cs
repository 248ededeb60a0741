using System.Globalization;

namespace Hospes.Testing;

/// <summary>
/// A network namespace the test or benchmark owns, standing in for a host: hospesd runs inside it, so every bridge,
/// tap, dnsmasq and guest address lives only there. <see cref="CreateAsync"/> gives it a stand-in "uplink" with a
/// documentation address (<see cref="HostAddress"/>) and, behind a veth pair, a second namespace "outside"
/// (<see cref="OutsideAddress"/>) that guests can reach only by being forwarded; <see cref="CreateBareAsync"/> only
/// loopback. Dispose ends what still runs inside and deletes the namespaces, and with them every link in them.
/// </summary>
public sealed class NetNs : IAsyncDisposable
{
    /// <summary>The host's own address on its uplink (TEST-NET-1).</summary>
    public const string HostAddress = "192.0.2.1";

    /// <summary>A machine beyond the host (TEST-NET-2), reachable from the host through veth.</summary>
    public const string OutsideAddress = "198.51.100.2";

    public const string HostOutsideAddress = "198.51.100.1";

    private NetNs(string name, string? outside)
    {
        Name = name;
        Outside = outside;
    }

    public string Name { get; }

    /// <summary>The namespace beyond the uplink; null for a bare namespace.</summary>
    public string? Outside { get; }

    /// <summary>A host with an uplink and a machine outside, as the integration tests use.</summary>
    public static async Task<NetNs> CreateAsync()
    {
        string name = NewName("hit-"), outside = name + "-out";
        var ns = new NetNs(name, outside);
        try
        {
            await AddAsync(name);
            await AddAsync(outside);

            // A bridge with no ports stands in for the uplink: this kernel has no dummy interfaces.
            await IpAsync("-n", ns.Name, "link", "add", "up0", "type", "bridge");
            await IpAsync("-n", ns.Name, "addr", "add", HostAddress + "/24", "dev", "up0");
            await IpAsync("-n", ns.Name, "link", "set", "up0", "up");
            await IpAsync("-n", ns.Name, "link", "add", "out0", "type", "veth", "peer", "name", "out1", "netns", outside);
            await IpAsync("-n", ns.Name, "addr", "add", HostOutsideAddress + "/24", "dev", "out0");
            await IpAsync("-n", ns.Name, "link", "set", "out0", "up");
            await IpAsync("-n", outside, "addr", "add", OutsideAddress + "/24", "dev", "out1");
            await IpAsync("-n", outside, "link", "set", "out1", "up");
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        return ns;
    }

    /// <summary>A namespace with loopback up and nothing else, named <paramref name="prefix"/> and 8 random hex digits.</summary>
    public static async Task<NetNs> CreateBareAsync(string prefix)
    {
        var ns = new NetNs(NewName(prefix), null);
        try
        {
            await AddAsync(ns.Name);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        return ns;
    }

    /// <summary>
    /// Joins two namespaces (two "hosts") with a veth pair, <paramref name="addressA"/> on <paramref name="a"/>'s end
    /// (link0) and <paramref name="addressB"/> on <paramref name="b"/>'s (link1), both CIDR.
    /// </summary>
    public static async Task LinkAsync(NetNs a, NetNs b, string addressA, string addressB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        await IpAsync("-n", a.Name, "link", "add", "link0", "type", "veth", "peer", "name", "link1", "netns", b.Name);
        await IpAsync("-n", a.Name, "addr", "add", addressA, "dev", "link0");
        await IpAsync("-n", b.Name, "addr", "add", addressB, "dev", "link1");
        await IpAsync("-n", a.Name, "link", "set", "link0", "up");
        await IpAsync("-n", b.Name, "link", "set", "link1", "up");
    }

    /// <summary>
    /// Plugs <paramref name="host"/> into a switch: bridge `sw0` in <paramref name="hub"/> (made on first use), a veth
    /// pair with `lan0` and <paramref name="address"/> (CIDR) on the host's end and <paramref name="port"/> on the
    /// bridge. More than two "hosts" on one link, as a cluster's test wants.
    /// </summary>
    public static async Task SwitchAsync(NetNs hub, NetNs host, string port, string address)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(host);
        if ((await Run.ProcessAsync("ip", ["-n", hub.Name, "link", "show", "sw0"])).ExitCode != 0)
        {
            await IpAsync("-n", hub.Name, "link", "add", "sw0", "type", "bridge");
            await IpAsync("-n", hub.Name, "link", "set", "sw0", "up");
        }

        await IpAsync("-n", host.Name, "link", "add", "lan0", "type", "veth", "peer", "name", port, "netns", hub.Name);
        await IpAsync("-n", host.Name, "addr", "add", address, "dev", "lan0");
        await IpAsync("-n", host.Name, "link", "set", "lan0", "up");
        await IpAsync("-n", hub.Name, "link", "set", port, "master", "sw0");
        await IpAsync("-n", hub.Name, "link", "set", port, "up");
    }

    /// <summary>Runs a command inside the namespace and returns how it ended (whatever its exit code).</summary>
    public Task<CliResult> ExecAsync(params string[] command) => ExecAsync(TimeSpan.FromSeconds(60), command);

    /// <summary>Runs a command inside the namespace, killed after <paramref name="limit"/>.</summary>
    public Task<CliResult> ExecAsync(TimeSpan limit, params string[] command) =>
        Run.ProcessAsync("ip", ["netns", "exec", Name, .. command], timeout: limit);

    /// <summary>Reads the first line a TCP server at <paramref name="address"/>:<paramref name="port"/> sends, connecting from inside the namespace; "" if nothing answers.</summary>
    public async Task<string> TcpBannerAsync(string address, int port)
    {
        CliResult r = await ExecAsync("socat", "-T", "2", "-u", $"TCP:{address}:{port},connect-timeout=5", "STDOUT");
        return r.Stdout.Split('\n')[0].TrimEnd('\r');
    }

    /// <summary>As <see cref="TcpBannerAsync"/>, from the machine outside (<see cref="Outside"/>): a connection that is not the host's own.</summary>
    public async Task<string> TcpBannerFromOutsideAsync(string address, int port)
    {
        CliResult r = await Run.ProcessAsync("ip", ["netns", "exec", Outside ?? throw new InvalidOperationException($"{Name} has no outside namespace"), "socat", "-T", "2", "-u", $"TCP:{address}:{port},connect-timeout=5", "STDOUT"], timeout: TimeSpan.FromSeconds(60));
        return r.Stdout.Split('\n')[0].TrimEnd('\r');
    }

    /// <summary>Exit code of one ping from the namespace (busybox's: the host need not have iputils).</summary>
    /// <summary>
    /// Pings <paramref name="address"/> from this namespace: 0 when it answered. Up to three echo requests, one at a
    /// time, so a frame lost while a switch re-learns where a just-migrated guest is does not decide it.
    /// </summary>
    public async Task<int> PingAsync(string address)
    {
        int code = 1;
        for (int attempt = 0; attempt < 3 && code != 0; attempt++)
        {
            code = (await ExecAsync("busybox", "ping", "-c", "1", "-W", "3", address)).ExitCode;
        }

        return code;
    }

    /// <summary>Links in the namespace, as `ip -o link` lines.</summary>
    public async Task<string> LinksAsync() => (await ExecAsync("ip", "-o", "-d", "link", "show")).Stdout;

    public async Task<string> NftTablesAsync() => (await ExecAsync("nft", "list", "tables")).Stdout;

    public async ValueTask DisposeAsync()
    {
        foreach (string ns in Outside is null ? [Name] : (string[])[Name, Outside])
        {
            // Daemons started in a namespace (dnsmasq) outlive their starter and would keep running after it is deleted.
            CliResult pids = await Run.ProcessAsync("ip", ["netns", "pids", ns]);
            foreach (string pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                HostProcesses.Kill(int.Parse(pid, CultureInfo.InvariantCulture));
            }

            await Run.ProcessAsync("ip", ["netns", "del", ns]);
        }
    }

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task AddAsync(string name)
    {
        await IpAsync("netns", "add", name);
        await IpAsync("-n", name, "link", "set", "lo", "up");
    }

    private static async Task IpAsync(params string[] args)
    {
        CliResult r = await Run.ProcessAsync("ip", args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {r.Stderr}");
        }
    }
}
