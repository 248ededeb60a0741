using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Hospes.Bench.Boot;

namespace Hospes.Bench.Memory;

/// <summary>One running guest of the lab.</summary>
internal sealed record Guest(string Name, int Pid, string ConsoleLog, double BootSeconds);

/// <summary>hospesd refused a start: admission control said the host cannot hold the guest.</summary>
internal sealed class StartRefusedException(string message) : Exception(message);

/// <summary>
/// A private hospesd (state and socket in a temp dir of its own, optionally inside a memory cgroup) with the tiny
/// image, driven through the CLI. hospesd can be restarted with other flags; the state dir and image stay.
/// </summary>
internal sealed class MemoryLab : IAsyncDisposable
{
    public const int GuestMib = 512;
    private const string Marker = "HOSPES-READY";
    private readonly string _dir;
    private readonly string _hospes;
    private readonly string _hospesd;
    private readonly string _help;
    private Process? _daemon;
    private string? _keptAs;
    private int _starts;

    private MemoryLab(string dir, string hospes, string hospesd, string help, Cgroup? cgroup)
    {
        _dir = dir;
        _hospes = hospes;
        _hospesd = hospesd;
        _help = help;
        Cgroup = cgroup;
    }

    public Cgroup? Cgroup { get; }

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    /// <summary>The flags of the last start that this hospesd does not know yet and that were therefore left out.</summary>
    public List<string> FlagsLeftOut { get; } = [];

    /// <summary>The hospesd flags of the last start, as passed.</summary>
    public IReadOnlyList<string> DaemonFlags { get; private set; } = [];

    public string DaemonLog => Path.Combine(_dir, "hospesd.log");

    /// <summary>RAM the guests may use: the cgroup's limit, else the host's MemTotal.</summary>
    public long RamMib => Cgroup?.LimitMib ?? HostStats.MemInfoMib("MemTotal");

    /// <summary>MemAvailable of the cgroup (limit − usage + inactive page cache), else the host's.</summary>
    public long AvailableMib => Cgroup is { } c ? Math.Min(c.AvailableMib, HostStats.MemInfoMib("MemAvailable")) : HostStats.MemInfoMib("MemAvailable");

    private string Socket => Path.Combine(_dir, "hospes.sock");

    private string StateDir => Path.Combine(_dir, "state");

    public static async Task<MemoryLab> CreateAsync(string root, long? cgroupMib)
    {
        string hospes = Path.Combine(root, "out", "hospes");
        string hospesd = Path.Combine(root, "out", "hospesd");
        if (!File.Exists(hospes) || !File.Exists(hospesd))
        {
            throw new InvalidOperationException("out/hospes and out/hospesd are missing: run ./setup.sh first");
        }

        (_, string help, _) = await Proc.RunAsync(hospesd, TimeSpan.FromSeconds(30), null, null, "--help");
        string dir = Directory.CreateTempSubdirectory("hmem-").FullName;
        Cgroup? cgroup = cgroupMib is { } mib ? Cgroup.Create(mib) : null;
        return new MemoryLab(dir, hospes, hospesd, help, cgroup);
    }

    public bool Supports(string flag) => _help.Contains(flag, StringComparison.Ordinal);

    /// <summary>Starts hospesd with <paramref name="flags"/> (those it does not know yet are left out, with a warning).</summary>
    public async Task StartDaemonAsync(IReadOnlyList<string> flags)
    {
        if (_daemon is not null)
        {
            throw new InvalidOperationException("hospesd already runs");
        }

        FlagsLeftOut.Clear();
        var passed = new List<string>();
        for (int i = 0; i < flags.Count; i++)
        {
            bool hasValue = i + 1 < flags.Count && !flags[i + 1].StartsWith("--", StringComparison.Ordinal);
            string[] flag = hasValue ? [flags[i], flags[++i]] : [flags[i]];
            if (Supports(flag[0]))
            {
                passed.AddRange(flag);
            }
            else
            {
                FlagsLeftOut.Add(string.Join(' ', flag));
                Console.Error.WriteLine($"warning: this hospesd does not accept {flag[0]} yet: started without '{string.Join(' ', flag)}'");
            }
        }

        DaemonFlags = passed;
        _starts++;
        string script = (Cgroup is null ? "" : "echo $$ >\"$HOSPES_CGROUP_PROCS\" || exit 97; ") + "exec \"$0\" \"$@\" >>\"$HOSPESD_LOG\" 2>&1";
        var psi = new ProcessStartInfo("/bin/sh", ["-c", script, _hospesd, "--state-dir", StateDir, "--socket", Socket, .. passed])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        psi.Environment["HOSPESD_LOG"] = DaemonLog;
        if (Cgroup is not null)
        {
            psi.Environment["HOSPES_CGROUP_PROCS"] = Cgroup.ProcsFile;
        }

        await File.AppendAllTextAsync(DaemonLog, $"==== bench: hospesd start {_starts}: {string.Join(' ', passed)}\n");
        _daemon = Process.Start(psi)!;
        await WaitForDaemonAsync();
        if (_starts == 1)
        {
            await CliAsync("image", "build", "tiny");
            using JsonDocument host = JsonDocument.Parse(await CliAsync("host", "info", "--format", "json"));
            QemuVersion = "QEMU " + host.RootElement.GetProperty("qemu_version").GetString();
            Accel = host.RootElement.GetProperty("accelerator").GetString() ?? "?";
        }
    }

    /// <summary>Deletes every VM, stops hospesd (SIGTERM, then SIGKILL), and kills any QEMU of this lab still left.</summary>
    public async Task StopDaemonAsync()
    {
        if (_daemon is null)
        {
            return;
        }

        try
        {
            await DeleteAllAsync();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"warning: deleting the VMs failed: {e.Message}");
        }

        await Proc.RunAsync("kill", TimeSpan.FromSeconds(10), null, null, "-TERM", _daemon.Id.ToString(CultureInfo.InvariantCulture));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await _daemon.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _daemon.Kill();
                await _daemon.WaitForExitAsync();
            }
        }

        _daemon.Dispose();
        _daemon = null;
        foreach (int pid in HostStats.Qemus(_dir + "/"))
        {
            Console.Error.WriteLine($"warning: QEMU {pid} of the lab outlived its VM's deletion; killing it");
            Kill(pid);
        }

        for (int i = 0; i < 100 && HostStats.Qemus(_dir + "/").Count > 0; i++)
        {
            await Task.Delay(100);
        }
    }

    public async Task DeleteAllAsync()
    {
        foreach ((string name, _, _) in await ListAsync())
        {
            await CliAsync("delete", name, "--force");
        }
    }

    /// <summary>`hospes create` of a 512 MiB tiny guest named <paramref name="name"/>, timed until its ready marker.</summary>
    public async Task<Guest> CreateGuestAsync(string name, TimeSpan readyLimit)
    {
        string cfg = Path.Combine(_dir, "tiny512.cfg");
        if (!File.Exists(cfg))
        {
            await File.WriteAllTextAsync(cfg, $"name = \"tiny\"\nkernel = \"image:tiny\"\nmemory = {GuestMib}\nvcpus = 1\non_crash = 'destroy'\n");
        }

        var clock = Stopwatch.StartNew();
        (int code, string stdout, string stderr) = await Proc.RunAsync(_hospes, TimeSpan.FromMinutes(5), Socket, null, "create", cfg, "name=" + name);
        if (code != 0)
        {
            string message = (stderr + stdout).Trim();
            throw message.Contains("overcommit", StringComparison.OrdinalIgnoreCase) || message.Contains("cannot hold", StringComparison.OrdinalIgnoreCase)
                ? new StartRefusedException(message)
                : new InvalidOperationException($"hospes create {name}: {message}");
        }

        using JsonDocument info = JsonDocument.Parse(await CliAsync("info", name, "--format", "json"));
        string log = info.RootElement.GetProperty("console_log").GetString()!;
        int pid = info.RootElement.GetProperty("pid").GetInt32();
        while (!(await ReadSharedAsync(log)).Contains(Marker, StringComparison.Ordinal))
        {
            if (clock.Elapsed > readyLimit)
            {
                throw new TimeoutException($"{name}: no {Marker} on its console after {readyLimit.TotalSeconds:0} s");
            }

            if (!HostStats.Alive(pid))
            {
                throw new InvalidOperationException($"{name}: its QEMU (pid {pid}) ended while it booted");
            }

            await Task.Delay(20);
        }

        return new Guest(name, pid, log, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Types `echo "ping-"R-G.` on every guest's console (through `hospes console` with piped input) and waits for
    /// the answer `ping-R-G.` in its console log. Returns the guests that did not answer within <paramref name="limit"/>,
    /// each with what the console CLI did and the end of its console log ("d-7 (console exit 0 in 1.2 s; log ends ...)"),
    /// and the slowest answer's seconds.
    /// </summary>
    public async Task<(List<string> Silent, double SlowestS)> PingAsync(IReadOnlyList<Guest> guests, int round, TimeSpan limit)
    {
        var answered = new ConcurrentDictionary<string, double>();
        var cli = new ConcurrentDictionary<string, string>();
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(guests.Select(async (g, i) =>
        {
            string answer = $"ping-{round}-{i + 1}.";
            await slots.WaitAsync();
            var clock = Stopwatch.StartNew();
            try
            {
                (int code, _, _) = await Proc.RunAsync(_hospes, TimeSpan.FromSeconds(30), Socket, $"echo \"ping-\"{round}-{i + 1}.\n", "console", g.Name);
                cli[g.Name] = string.Create(CultureInfo.InvariantCulture, $"console exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
            }
            finally
            {
                slots.Release();
            }

            while (clock.Elapsed < limit)
            {
                if ((await ReadSharedAsync(g.ConsoleLog)).Contains(answer, StringComparison.Ordinal))
                {
                    answered[g.Name] = clock.Elapsed.TotalSeconds;
                    return;
                }

                await Task.Delay(200);
            }
        }));
        var silent = new List<string>();
        foreach (Guest g in guests.Where(g => !answered.ContainsKey(g.Name)))
        {
            string log = await ReadSharedAsync(g.ConsoleLog);
            string tail = new([.. log[Math.Max(0, log.Length - 60)..].Select(c => char.IsControl(c) ? ' ' : c)]);
            silent.Add($"{g.Name} ({cli.GetValueOrDefault(g.Name, "console not run")}; alive {HostStats.Alive(g.Pid)}; log ends `{tail.Trim().Replace("`", "'", StringComparison.Ordinal)}`)");
        }

        return (silent, answered.IsEmpty ? 0 : answered.Values.Max());
    }

    /// <summary>The VMs of `hospes list --format json`: name, state, QEMU pid.</summary>
    public async Task<List<(string Name, string State, int? Pid)>> ListAsync()
    {
        using JsonDocument list = JsonDocument.Parse(await CliAsync("list", "--format", "json"));
        return [.. list.RootElement.EnumerateArray().Select(v => (
            v.GetProperty("name").GetString()!,
            v.GetProperty("state").ToString(),
            v.TryGetProperty("pid", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : (int?)null))];
    }

    /// <summary>The JSON a CLI command prints, or null when this CLI/hospesd does not have the command yet.</summary>
    public async Task<JsonDocument?> TryJsonAsync(params string[] args)
    {
        (int code, string stdout, string stderr) = await Proc.RunAsync(_hospes, TimeSpan.FromMinutes(1), Socket, null, [.. args, "--format", "json"]);
        if (code != 0)
        {
            Console.Error.WriteLine($"note: hospes {string.Join(' ', args)} --format json failed: {stderr.Trim()}");
            return null;
        }

        try
        {
            return JsonDocument.Parse(stdout);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Lines of hospesd's log that look like trouble (warnings, errors, refusals, OOM), for the report.</summary>
    public IReadOnlyList<string> TroubleLines() => !File.Exists(DaemonLog) ? [] :
        [.. File.ReadLines(DaemonLog).Where(l => !l.StartsWith("==== bench", StringComparison.Ordinal)).Where(l => l.Contains("warn", StringComparison.OrdinalIgnoreCase)
            || l.Contains("refus", StringComparison.OrdinalIgnoreCase) || l.Contains("pressure", StringComparison.OrdinalIgnoreCase) || l.Contains("cannot", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)
            || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("overcommit", StringComparison.OrdinalIgnoreCase)
            || l.Contains("cannot hold", StringComparison.OrdinalIgnoreCase) || l.Contains("oom", StringComparison.OrdinalIgnoreCase)
            || l.Contains("crash", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// Copies hospesd's log out of the lab (which is deleted) and returns where it went. The copy is made again once
    /// hospesd has stopped (see <see cref="DisposeAsync"/>), so it also holds what hospesd did while its VMs were deleted.
    /// </summary>
    public string KeepLog(string label)
    {
        string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hospes-bench-memory")).FullName;
        string to = Path.Combine(dir, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{label}-hospesd.log");
        if (File.Exists(DaemonLog))
        {
            File.Copy(DaemonLog, to, overwrite: true);
        }

        _keptAs = to;
        return to;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopDaemonAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"warning: stopping hospesd: {e.Message}");
            _daemon?.Kill();
        }

        if (_keptAs is not null && File.Exists(DaemonLog))
        {
            KsmState k = KsmState.Read();
            await File.AppendAllTextAsync(DaemonLog, $"==== bench: hospesd stopped; KSM now run = {k.Run}, pages_to_scan = {k.PagesToScan}, sleep_millisecs = {k.SleepMs}\n");
            File.Copy(DaemonLog, _keptAs, overwrite: true);
            Console.Error.WriteLine($"after hospesd stopped: KSM run = {k.Run}, pages_to_scan = {k.PagesToScan}; log kept again in {_keptAs}");
        }

        foreach (int pid in HostStats.Qemus(_dir + "/"))
        {
            Kill(pid);
        }

        for (int i = 0; i < 100 && HostStats.Qemus(_dir + "/").Count > 0; i++)
        {
            await Task.Delay(100);
        }

        if (Cgroup is not null)
        {
            await Cgroup.RemoveAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"warning: {_dir} not removed: {e.Message}");
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            using Process p = Process.GetProcessById(pid);
            p.Kill();
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
        (int code, string stdout, string stderr) = await Proc.RunAsync(_hospes, TimeSpan.FromMinutes(10), Socket, null, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"hospes {string.Join(' ', args)}: {stderr}{stdout}");
    }

    private static async Task<string> ReadSharedAsync(string file)
    {
        if (!File.Exists(file))
        {
            return "";
        }

        await using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(f);
        return await reader.ReadToEndAsync();
    }

    private async Task WaitForDaemonAsync()
    {
        for (int i = 0; i < 1200; i++)
        {
            if (_daemon!.HasExited)
            {
                throw new InvalidOperationException($"hospesd exited with {_daemon.ExitCode}: {string.Join('\n', File.ReadLines(DaemonLog).TakeLast(10))}");
            }

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

        throw new InvalidOperationException($"hospesd did not start; see {DaemonLog}");
    }
}
