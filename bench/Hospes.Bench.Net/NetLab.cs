using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

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
    private const string Marker = "HOSPES-READY";
    private readonly string _dir;
    private readonly string _hospes;
    private readonly string _ns;
    private readonly Process _daemon;

    private NetLab(string dir, string hospes, string ns, Process daemon)
    {
        _dir = dir;
        _hospes = hospes;
        _ns = ns;
        _daemon = daemon;
    }

    public static int GuestToGuestMib { get; set; } = 64;

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    private string Socket => Path.Combine(_dir, "h.sock");

    public static async Task<NetLab> StartAsync(string root)
    {
        string hospes = Path.Combine(root, "out", "hospes");
        string hospesd = Path.Combine(root, "out", "hospesd");
        if (!File.Exists(hospes) || !File.Exists(hospesd))
        {
            throw new InvalidOperationException("out/hospes and out/hospesd are missing: run ./setup.sh first");
        }

        // dnsmasq reads its files in the state dir as 'nobody': the directory must be traversable.
        string dir = Directory.CreateTempSubdirectory("hbnet-").FullName;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string ns = "hb-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
        await RunAsync("ip", "netns", "add", ns);
        try
        {
            await RunAsync("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        }
        catch
        {
            await RunAsync("ip", "netns", "delete", ns);
            throw;
        }

        var psi = new ProcessStartInfo("ip", ["netns", "exec", ns, "/bin/sh", "-c", "exec \"$0\" \"$@\" >\"$HOSPESD_LOG\" 2>&1", hospesd, "--state-dir", Path.Combine(dir, "state"), "--socket", Path.Combine(dir, "h.sock")])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        psi.Environment["HOSPESD_LOG"] = Path.Combine(dir, "hospesd.log");
        var lab = new NetLab(dir, hospes, ns, Process.Start(psi)!);
        try
        {
            await lab.WaitForDaemonAsync();
            Console.Error.WriteLine($"hospesd runs in network namespace {ns}, state in {dir}/state");
            await lab.CliAsync("image", "build", "tiny");
            await lab.CliAsync("image", "build", "tiny", "--kernel", "generic", "--name", "tinyg");
            string host = await lab.CliAsync("host", "info", "--format", "json");
            lab.QemuVersion = "QEMU " + Field(host, "qemu_version");
            lab.Accel = Field(host, "accelerator");
            await lab.CliAsync("network", "create", "bench0", "--subnet", Subnet + ".0/24");
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
            string cfg = Path.Combine(_dir, name + ".cfg");
            string machine = setup.Machine.Length > 0 ? $"machine = \"{setup.Machine}\"\n" : "";
            await File.WriteAllTextAsync(cfg, $"name = \"{name}\"\nkernel = \"image:{setup.Image}\"\nmemory = {GuestMib}\nvcpus = 1\n{machine}vif = [ 'ip={Ip(setup, g)},bridge=bench0,model={setup.Model}' ]\n");
            await CliAsync("create", cfg);
        }

        for (int g = 1; g <= 2; g++)
        {
            string name = GuestName(setup, g);
            await WaitForMarkerAsync(name);
            string vifs = await CliAsync("vif-list", name);
            if (!vifs.Contains(Ip(setup, g), StringComparison.Ordinal) || !vifs.Contains(setup.Model, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{name}: vif-list does not show {Ip(setup, g)} with model {setup.Model}:\n{vifs}");
            }

            await WaitForAddressAsync(name, Ip(setup, g));
            string info = await CliAsync("info", name, "--format", "json");
            string qemuLog = Path.Combine(Path.GetDirectoryName(Field(info, "console_log"))!, "qemu.log");
            string started = File.ReadLines(qemuLog).Last(l => l.Contains("hospesd starts:", StringComparison.Ordinal));
            device = $"`{Regex.Match(started, @"-device (\S+?),netdev=").Groups[1].Value}` on `{Regex.Match(started, @"-machine (\S+)").Groups[1].Value}`";
        }

        // Two persistent servers in guest 2. On Port, for every connection: store what arrives (dd with 64 KiB reads
        // into the guest's tmpfs), then send back its size. On SourcePort: send N MiB of zeros straight from dd into
        // the socket. Busybox wc -c and a dd | nc pipe are themselves CPU-bound under TCG (about 8 and 1.5 MB/s), so
        // neither is in the measured path.
        await CliAsync("ssh", GuestName(setup, 2), "--", $"nc -ll -p {Port} -e {Receiver} >/dev/null 2>&1 </dev/null & nc -ll -p {SourcePort} -e dd if=/dev/zero bs=64k count={GuestToGuestMib * 16} >/dev/null 2>&1 </dev/null & echo started");
        await Task.Delay(500);
        return device;
    }

    public async Task StopPairAsync(NicSetup setup)
    {
        for (int g = 1; g <= 2; g++)
        {
            await CliAsync("destroy", GuestName(setup, g));
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
        string output = await RunAsync("ip", "netns", "exec", _ns, "/bin/sh", "-c", $"head -c {bytes} /dev/zero | socat -t 120 - TCP:{Ip(setup, 2)}:{Port}");
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
        string output = await CliAsync("ssh", GuestName(setup, 1), "--", GuestToGuestCommand(Ip(setup, 2)));
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            _daemon.Kill();
            await _daemon.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _daemon.Dispose();

        // Our QEMUs and dnsmasq name files under our directory on their command lines.
        foreach (int pid in Processes(_dir + "/"))
        {
            Kill(pid);
        }

        for (int i = 0; i < 100 && Processes(_dir + "/").Count > 0; i++)
        {
            await Task.Delay(100);
        }

        await RunAsync("ip", "netns", "delete", _ns);
        Directory.Delete(_dir, recursive: true);
    }

    private static void CheckCount(string received, long expected, string what)
    {
        if (received != expected.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{what}: the receiver counted '{received}' bytes, expected {expected}");
        }
    }

    private async Task WaitForMarkerAsync(string name)
    {
        var clock = Stopwatch.StartNew();
        while (!(await CliAsync("console", name, "--show-log")).Contains(Marker, StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"{name}: no {Marker} after 5 minutes");
            }

            await Task.Delay(500);
        }
    }

    private async Task WaitForAddressAsync(string name, string ip)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                last = await CliAsync("ssh", name, "--", "ip -4 addr show eth0");
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

    /// <summary>Processes whose command line mentions <paramref name="needle"/> (QEMU, dnsmasq).</summary>
    private static List<int> Processes(string needle)
    {
        var pids = new List<int>();
        foreach (string d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                string cmd = File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
                bool ours = cmd.Contains("qemu-system", StringComparison.Ordinal) || cmd.Contains("dnsmasq", StringComparison.Ordinal);
                if (ours && cmd.Contains(needle, StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    private static void Kill(int pid)
    {
        try
        {
            Process.GetProcessById(pid).Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async Task<string> CliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(_hospes, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HOSPES_SOCKET"] = Socket;
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"hospes {string.Join(' ', args)}: {stderr}{await stdout}");
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr}");
    }

    private async Task WaitForDaemonAsync()
    {
        for (int i = 0; i < 600; i++)
        {
            if (File.Exists(Socket))
            {
                using var s = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
                    return;
                }
                catch (SocketException)
                {
                }
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"hospesd did not start; see {_dir}/hospesd.log");
    }

    private static string Field(string json, string field) => JsonDocument.Parse(json).RootElement.GetProperty(field).ToString();
}
