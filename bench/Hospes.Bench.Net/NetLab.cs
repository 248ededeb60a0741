using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Net;

/// <summary>One kind of guest NIC: which image, which emulated device, which machine.</summary>
internal sealed record NicSetup(string Label, string Image, string Model, string Machine, int Octet);

/// <summary>
/// A private hospesd inside a network namespace of its own, with the tiny images and a network "bench0".
/// Nothing is made in the host's namespace: the bridge, the taps and dnsmasq all live in the namespace.
/// </summary>
internal sealed class NetLab : IAsyncDisposable
{
    public const int GuestMib = 256;
    public const string Subnet = "10.166.0";
    public const int Port = 5001;
    public const int SourcePort = 5002;
    public const string Receiver = "sh -c \"dd of=/tmp/rx bs=64k 2>/dev/null; stat -c %s /tmp/rx; rm -f /tmp/rx\"";

    /// <summary>No limit of its own: a transfer on a slow machine takes what it takes.</summary>
    private static readonly TimeSpan Unlimited = Timeout.InfiniteTimeSpan;
    private readonly NetNs _ns;
    private readonly Daemon _daemon;

    private NetLab(NetNs ns, Daemon daemon)
    {
        _ns = ns;
        _daemon = daemon;
    }

    public static int GuestToGuestMib { get; set; } = 64;

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    public static async Task<NetLab> StartAsync()
    {
        NetNs ns = await NetNs.CreateBareAsync("hb-");
        Daemon daemon;
        try
        {
            daemon = await Daemon.StartAsync(new DaemonOptions { TempPrefix = "hbnet-", Netns = ns, CliTimeout = Unlimited });
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        var lab = new NetLab(ns, daemon);
        try
        {
            Console.Error.WriteLine($"hospesd runs in network namespace {ns.Name}, state in {daemon.StateDir}");
            (await daemon.CliAsync("image", "build", "tiny")).Ok();
            (await daemon.CliAsync("image", "build", "tiny", "--kernel", "generic", "--name", "tinyg")).Ok();
            HostInfo host = await daemon.HostInfoAsync();
            lab.QemuVersion = "QEMU " + host.QemuVersion;
            lab.Accel = host.Accelerator ?? "";
            (await daemon.CliAsync("network", "create", "bench0", "--subnet", Subnet + ".0/24")).Ok();
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    public static string Ip(NicSetup setup, int guest) => $"{Subnet}.{setup.Octet + guest}";

    public static string GuestName(NicSetup setup, int guest) => $"{setup.Model.Replace("-", "", StringComparison.Ordinal)}-{setup.Image}-{guest}";

    /// <summary>
    /// Defines and starts guests 1 and 2 of <paramref name="setup"/>, waits until both are ready and have their
    /// address, and starts the byte-counting server on guest 2. Returns the QEMU NIC device and machine as run.
    /// </summary>
    public async Task<string> StartPairAsync(NicSetup setup)
    {
        string device = "";
        for (int g = 1; g <= 2; g++)
        {
            string name = GuestName(setup, g);
            string machine = setup.Machine.Length > 0 ? $"machine = \"{setup.Machine}\"\n" : "";
            string cfg = _daemon.WriteConfig(name + ".cfg", $"name = \"{name}\"\nkernel = \"image:{setup.Image}\"\nmemory = {GuestMib}\nvcpus = 1\n{machine}vif = [ 'ip={Ip(setup, g)},bridge=bench0,model={setup.Model}' ]\n");
            (await _daemon.CliAsync("create", cfg)).Ok();
        }

        for (int g = 1; g <= 2; g++)
        {
            string name = GuestName(setup, g);
            await _daemon.WaitForConsoleAsync(name, Guest.Ready, limit: TimeSpan.FromMinutes(5));
            string vifs = (await _daemon.CliAsync("vif-list", name)).Ok().Stdout;
            if (!vifs.Contains(Ip(setup, g), StringComparison.Ordinal) || !vifs.Contains(setup.Model, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{name}: vif-list does not show {Ip(setup, g)} with model {setup.Model}:\n{vifs}");
            }

            await WaitForAddressAsync(name, Ip(setup, g));
            string started = await QemuLog.StartLineAsync(_daemon, name, last: true);
            device = $"`{Regex.Match(started, @"-device (\S+?),netdev=").Groups[1].Value}` on `{Regex.Match(started, @"-machine (\S+)").Groups[1].Value}`";
        }

        // Two persistent servers in guest 2. On Port, for every connection: store what arrives (dd with 64 KiB reads
        // into the guest's tmpfs), then send back its size. On SourcePort: send N MiB of zeros straight from dd into
        // the socket. Busybox wc -c and a dd | nc pipe are themselves CPU-bound under TCG (about 8 and 1.5 MB/s), so
        // neither is in the measured path.
        await SshAsync(GuestName(setup, 2), $"nc -ll -p {Port} -e {Receiver} >/dev/null 2>&1 </dev/null & nc -ll -p {SourcePort} -e dd if=/dev/zero bs=64k count={GuestToGuestMib * 16} >/dev/null 2>&1 </dev/null & echo started");
        await Task.Delay(500);
        return device;
    }

    public async Task StopPairAsync(NicSetup setup)
    {
        for (int g = 1; g <= 2; g++)
        {
            (await _daemon.CliAsync("destroy", GuestName(setup, g))).Ok();
        }
    }

    /// <summary>
    /// MB/s from the namespace's side of the bridge (the host) into guest 2: socat sends <paramref name="mib"/> MiB of zeros
    /// and waits for the guest's byte count, so the time includes the last byte arriving in the guest.
    /// </summary>
    public async Task<double> HostToGuestAsync(NicSetup setup, int mib)
    {
        long bytes = mib * 1024L * 1024L;
        var clock = Stopwatch.StartNew();
        string output = (await _ns.ExecAsync(Unlimited, "/bin/sh", "-c", $"head -c {bytes} /dev/zero | socat -t 120 - TCP:{Ip(setup, 2)}:{Port}")).Ok().Stdout;
        double seconds = clock.Elapsed.TotalSeconds;
        CheckCount(output.Trim(), bytes, "host → " + GuestName(setup, 2));
        return bytes / seconds / 1e6;
    }

    /// <summary>
    /// MB/s between the two guests over the bridge: guest 1 connects to guest 2's dd source and stores what arrives
    /// as the host → guest receiver does; timed in guest 1 by /proc/uptime (10 ms resolution) until the end of the stream.
    /// </summary>
    public async Task<(double MBps, double WallSeconds)> GuestToGuestAsync(NicSetup setup)
    {
        long bytes = GuestToGuestMib * 1024L * 1024L;
        var clock = Stopwatch.StartNew();
        string output = await SshAsync(GuestName(setup, 1), GuestToGuestCommand(Ip(setup, 2)));
        double wall = clock.Elapsed.TotalSeconds;
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2)
        {
            throw new InvalidOperationException($"{GuestName(setup, 2)} → {GuestName(setup, 1)}: unexpected output '{output}'");
        }

        CheckCount(lines[^2], bytes, GuestName(setup, 2) + " → " + GuestName(setup, 1));
        string[] t = lines[^1].Split(' ');
        double seconds = double.Parse(t[1], CultureInfo.InvariantCulture) - double.Parse(t[0], CultureInfo.InvariantCulture);
        if (seconds <= 0 || seconds > wall + 0.5)
        {
            throw new InvalidOperationException($"guest clock says {seconds:0.00} s for a transfer that took {wall:0.00} s from outside");
        }

        return (bytes / seconds / 1e6, wall);
    }

    public static string GuestToGuestCommand(string ip) =>
        $"read a b </proc/uptime; nc {ip} {SourcePort} -e {Receiver.Replace("stat -c %s /tmp/rx", "stat -c %s /tmp/rx >&2", StringComparison.Ordinal)} 2>&1; read c d </proc/uptime; echo $a $c";

    /// <summary>Stops hospesd and what it started (QEMUs, dnsmasq), then deletes the namespace.</summary>
    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _ns.DisposeAsync();
    }

    private static void CheckCount(string received, long expected, string what)
    {
        if (received != expected.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{what}: the receiver counted '{received}' bytes, expected {expected}");
        }
    }

    private async Task<string> SshAsync(string name, string command) => (await _daemon.CliAsync("ssh", name, "--", command)).Ok().Stdout;

    private async Task WaitForAddressAsync(string name, string ip)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                last = await SshAsync(name, "ip -4 addr show eth0");
                if (last.Contains($"inet {ip}/", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (InvalidOperationException e)
            {
                last = e.Message;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException($"{name} did not get {ip} within 2 minutes: {last}");
    }
}
