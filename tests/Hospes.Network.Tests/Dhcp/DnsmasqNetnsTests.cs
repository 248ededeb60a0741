using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;
using Hospes.Network.Tests.Support;
using Hospes.Network.Tools;
using Hospes.Testing;

namespace Hospes.Network.Tests.Dhcp;

/// <summary>
/// A real dnsmasq on a bridge in the test's own namespaces, answering a real DHCP client (busybox udhcpc)
/// in a guest namespace whose veth sits on the bridge. Needs root.
/// </summary>
[Trait("Requires", "root")]
public class DnsmasqNetnsTests
{
    private const string WebMac = "52:54:00:aa:00:01";
    private const string DbMac = "52:54:00:aa:00:02";
    private const string AppMac = "52:54:00:aa:00:03";

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public async Task Guest_GetsItsReservedAddressAndName_AndReservationUpdatesApply(NetworkMode mode)
    {
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var dir = SearchableTempDir();
        Netns guest = await lab.AddGuestAsync("vg0", WebMac);
        Ipv4Subnet subnet = NetLab.Subnet;

        // The network's own firewall is in place, as in hospesd: on an isolated network DHCP and DNS must still pass.
        await new Nft(lab.Host.Tools).ApplyAsync(new NftNetwork("hospes-lab", NetLab.Bridge, subnet, mode, []), ct);
        var spec = new DnsmasqSpec("lab", NetLab.Bridge, subnet, mode, dir.File("net"), [new(WebMac, IPAddress.Parse("10.165.1.10"), "web")]);
        var dnsmasq = new Dnsmasq(lab.Host.Tools);
        await dnsmasq.StartAsync(spec, ct);
        int pid = Dnsmasq.RunningPid(spec.Directory) ?? throw new InvalidOperationException("dnsmasq is not running");
        try
        {
            Lease lease = await RequestLeaseAsync(guest, dir);
            Assert.Equal("10.165.1.10", lease.Ip);
            Assert.Equal("255.255.255.0", lease.Subnet);
            Assert.Equal(mode == NetworkMode.Nat ? "10.165.1.1" : "", lease.Router);
            Assert.Equal("10.165.1.1", lease.Dns);
            Assert.Equal("lab", lease.Domain);

            await guest.RunAsync("ip", "address", "add", "10.165.1.10/24", "dev", "eth0");
            Assert.Equal("10.165.1.10", await LookupAsync(guest, "web.lab"));

            // Another guest (the same veth with a new MAC) gets a reservation: SIGHUP, same process.
            await guest.RunAsync("ip", "address", "flush", "dev", "eth0");
            await guest.RunAsync("ip", "link", "set", "eth0", "address", DbMac);
            spec = spec with { Hosts = [.. spec.Hosts, new(DbMac, IPAddress.Parse("10.165.1.20"), "db")] };
            await dnsmasq.UpdateHostsAsync(spec, ct);
            Assert.Equal(pid, Dnsmasq.RunningPid(spec.Directory));

            lease = await RequestLeaseAsync(guest, dir);
            Assert.Equal("10.165.1.20", lease.Ip);
            await guest.RunAsync("ip", "address", "add", "10.165.1.20/24", "dev", "eth0");
            Assert.Equal("10.165.1.20", await LookupAsync(guest, "db.lab"));
            Assert.Equal("10.165.1.10", await LookupAsync(guest, "web")); // by its short name too, without a lease of its own now

            string leases = await File.ReadAllTextAsync(new DnsmasqPaths(spec.Directory).Leases, ct);
            Assert.Contains($"{DbMac} 10.165.1.20 db", leases, StringComparison.Ordinal);

            // web is deleted and its address goes to a new guest while web's lease still runs: dnsmasq would
            // refuse the address until that lease expires, so it is restarted without it.
            await guest.RunAsync("ip", "address", "flush", "dev", "eth0");
            await guest.RunAsync("ip", "link", "set", "eth0", "address", AppMac);
            spec = spec with { Hosts = [new(DbMac, IPAddress.Parse("10.165.1.20"), "db"), new(AppMac, IPAddress.Parse("10.165.1.10"), "app")] };
            await dnsmasq.UpdateHostsAsync(spec, ct);
            Assert.NotEqual(pid, Dnsmasq.RunningPid(spec.Directory));
            pid = Dnsmasq.RunningPid(spec.Directory)!.Value;
            lease = await RequestLeaseAsync(guest, dir);
            Assert.Equal("10.165.1.10", lease.Ip);
            leases = await File.ReadAllTextAsync(new DnsmasqPaths(spec.Directory).Leases, ct);
            Assert.DoesNotContain(WebMac, leases, StringComparison.Ordinal);
            Assert.Contains($"{DbMac} 10.165.1.20 db", leases, StringComparison.Ordinal); // kept across the restart
        }
        finally
        {
            await dnsmasq.StopAsync(spec.Directory, ct);
        }

        Assert.Null(Dnsmasq.RunningPid(spec.Directory));
        Assert.False(HostProcesses.IsAlive(pid));
        Assert.False(File.Exists(new DnsmasqPaths(spec.Directory).PidFile));
    }

    [Fact]
    public async Task Dnsmasq_OutlivesItsStarter_AndIsFoundAgainByItsPidFile()
    {
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var dir = SearchableTempDir();
        var spec = new DnsmasqSpec("lab", NetLab.Bridge, NetLab.Subnet, NetworkMode.Nat, dir.File("net"), []);
        await new Dnsmasq(lab.Host.Tools).StartAsync(spec, ct);

        int pid = Dnsmasq.RunningPid(spec.Directory) ?? throw new InvalidOperationException("dnsmasq is not running");
        try
        {
            // Not our child and not in our session: it was started through 'ip netns exec', which has exited, and
            // it daemonized into a session of its own, so neither hospesd's exit nor a signal to its group ends it.
            (int parent, int session) = ParentAndSession(pid);
            Assert.NotEqual(Environment.ProcessId, parent);
            Assert.NotEqual(ParentAndSession(Environment.ProcessId).Session, session);
            Assert.Contains($"--conf-file={new DnsmasqPaths(spec.Directory).Config}", await File.ReadAllTextAsync($"/proc/{pid}/cmdline", ct), StringComparison.Ordinal);
            Assert.Equal(65534, Uid(pid)); // dropped to nobody

            // A fresh Dnsmasq (a restarted hospesd) finds it, and starting again replaces it.
            var again = new Dnsmasq(lab.Host.Tools);
            await again.StartAsync(spec, ct);
            int second = Dnsmasq.RunningPid(spec.Directory) ?? throw new InvalidOperationException("dnsmasq is not running");
            Assert.NotEqual(pid, second);
            Assert.False(HostProcesses.IsAlive(pid));
            await again.StopAsync(spec.Directory, ct);
            Assert.False(HostProcesses.IsAlive(second));
        }
        finally
        {
            await new Dnsmasq(lab.Host.Tools).StopAsync(spec.Directory, ct);
        }
    }

    [Fact]
    public async Task Start_WhenTheAddressIsTaken_FailsWithDnsmasqsOwnWords()
    {
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var dir = SearchableTempDir();
        var first = new DnsmasqSpec("lab", NetLab.Bridge, NetLab.Subnet, NetworkMode.Nat, dir.File("one"), []);
        var second = first with { Directory = dir.File("two") };
        var dnsmasq = new Dnsmasq(lab.Host.Tools);
        await dnsmasq.StartAsync(first, ct);
        try
        {
            NetToolException e = await Assert.ThrowsAsync<NetToolException>(() => dnsmasq.StartAsync(second, ct));
            Assert.Contains("dnsmasq for network lab did not start (exit code 2): dnsmasq: failed to create listening socket for 10.165.1.1: Address already in use", e.Message, StringComparison.Ordinal);
            Assert.Null(Dnsmasq.RunningPid(second.Directory));
            Assert.NotNull(Dnsmasq.RunningPid(first.Directory));
        }
        finally
        {
            await dnsmasq.StopAsync(first.Directory, ct);
        }
    }

    [Fact]
    public async Task UpdateHosts_WhenNotRunning_StartsIt()
    {
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var dir = SearchableTempDir();
        var spec = new DnsmasqSpec("lab", NetLab.Bridge, NetLab.Subnet, NetworkMode.Isolated, dir.File("net"), []);
        var dnsmasq = new Dnsmasq(lab.Host.Tools);
        await dnsmasq.UpdateHostsAsync(spec, ct);
        try
        {
            int pid = Dnsmasq.RunningPid(spec.Directory) ?? throw new InvalidOperationException("dnsmasq is not running");

            // A change SIGHUP does not re-read (here the mode) restarts it.
            await dnsmasq.UpdateHostsAsync(spec with { Mode = NetworkMode.Nat }, ct);
            Assert.NotEqual(pid, Dnsmasq.RunningPid(spec.Directory));
        }
        finally
        {
            await dnsmasq.StopAsync(spec.Directory, ct);
        }
    }

    [Fact]
    public async Task Start_AsRoot_WorksBelowAFolderOthersCannotSearch()
    {
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var dir = new TempDir(); // 0700
        Netns guest = await lab.AddGuestAsync("vg0", WebMac);
        var spec = new DnsmasqSpec("lab", NetLab.Bridge, NetLab.Subnet, NetworkMode.Nat, dir.File("net"), [new(WebMac, IPAddress.Parse("10.165.1.10"), "web")])
        {
            User = "root",
        };
        var dnsmasq = new Dnsmasq(lab.Host.Tools);
        await dnsmasq.StartAsync(spec, ct);
        try
        {
            Assert.Equal(0, Uid(Dnsmasq.RunningPid(spec.Directory)!.Value));
            Assert.Equal("10.165.1.10", (await RequestLeaseAsync(guest, dir)).Ip);
        }
        finally
        {
            await dnsmasq.StopAsync(spec.Directory, ct);
        }
    }

    [Fact]
    public async Task Start_WithHostsFilesOfTheirOwn_KeepsItsDirectoryForRootAlone()
    {
        // #5: the network's folder sits in the state dir, which others cannot search; only the hosts files dnsmasq
        // re-reads as nobody live in a folder others can pass through.
        CancellationToken ct = CancellationToken.None;
        await using NetLab lab = await NetLab.CreateAsync();
        using var state = new TempDir(); // 0700
        using var run = SearchableTempDir();
        Netns guest = await lab.AddGuestAsync("vg0", WebMac);
        var spec = new DnsmasqSpec("lab", NetLab.Bridge, NetLab.Subnet, NetworkMode.Nat, state.File("net"), [new(WebMac, IPAddress.Parse("10.165.1.10"), "web")])
        {
            HostsDirectory = run.File("dnsmasq/lab"),
        };
        var dnsmasq = new Dnsmasq(lab.Host.Tools);
        await dnsmasq.StartAsync(spec, ct);
        try
        {
            Assert.NotEqual(0, Uid(Dnsmasq.RunningPid(spec.Directory)!.Value));
            Assert.Equal("10.165.1.10", (await RequestLeaseAsync(guest, run)).Ip);
            await guest.RunAsync("ip", "address", "add", "10.165.1.10/24", "dev", "eth0");
            Assert.Equal("10.165.1.10", await LookupAsync(guest, "web.lab"));

            // A reservation added later is read by the dropped dnsmasq too (SIGHUP).
            await guest.RunAsync("ip", "address", "flush", "dev", "eth0");
            await guest.RunAsync("ip", "link", "set", "eth0", "address", DbMac);
            spec = spec with { Hosts = [.. spec.Hosts, new(DbMac, IPAddress.Parse("10.165.1.20"), "db")] };
            await dnsmasq.UpdateHostsAsync(spec, ct);
            Assert.Equal("10.165.1.20", (await RequestLeaseAsync(guest, run)).Ip);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(spec.Directory));
            Assert.True(File.Exists(new DnsmasqPaths(spec.Directory, spec.HostsDirectory).DhcpHosts));
            Assert.False(File.Exists(Path.Combine(spec.Directory, "dhcp-hosts")));
            Assert.Contains($"{DbMac} 10.165.1.20 db", await File.ReadAllTextAsync(new DnsmasqPaths(spec.Directory).Leases, ct), StringComparison.Ordinal);
        }
        finally
        {
            await dnsmasq.StopAsync(spec.Directory, ct);
        }
    }

    private sealed record Lease(string Ip, string Subnet, string Router, string Dns, string Domain);

    /// <summary>TempDir makes its folder 0700; dnsmasq, once it has dropped to nobody, must get through it.</summary>
    private static TempDir SearchableTempDir()
    {
        var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        return dir;
    }

    private static async Task<Lease> RequestLeaseAsync(Netns guest, TempDir dir)
    {
        string script = dir.File("udhcpc.sh");
        if (!File.Exists(script))
        {
            await File.WriteAllTextAsync(script, "#!/bin/sh\n[ \"$1\" = bound ] && echo \"LEASE|$ip|$subnet|$router|$dns|$domain\"\nexit 0\n");
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        }

        // -n: fail rather than wait forever; -q: quit once bound; -t/-T: 8 discovers a second apart.
        ToolResult r = await guest.RunAsync("busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-s", script, "-t", "8", "-T", "1");
        string line = r.StandardOutput.Split('\n').SingleOrDefault(l => l.StartsWith("LEASE|", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"udhcpc got no lease:\n{r.StandardOutput}\n{r.StandardError}");
        string[] f = line.Split('|');
        return new Lease(f[1], f[2], f[3].Trim(), f[4].Trim(), f[5]);
    }

    private static async Task<string> LookupAsync(Netns guest, string name)
    {
        ToolResult r = await guest.RunAsync("busybox", "nslookup", "-type=a", name, NetLab.Subnet.Gateway.ToString());
        return r.StandardOutput.Split('\n')
            .Where(l => l.StartsWith("Address:", StringComparison.Ordinal) && !l.Contains(":53", StringComparison.Ordinal))
            .Select(l => l["Address:".Length..].Trim())
            .Single();
    }

    private static int Uid(int pid) =>
        int.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1], CultureInfo.InvariantCulture);

    private static (int Parent, int Session) ParentAndSession(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture));
    }
}
