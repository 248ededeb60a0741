using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

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
    private readonly string _dir;
    private readonly string _help;
    private Daemon? _daemon;
    private string? _keptAs;
    private int _starts;

    private MemoryLab(string dir, string help, Cgroup? cgroup)
    {
        _dir = dir;
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
    public long RamMib => Cgroup?.LimitMib ?? ProcFs.MemInfoMib("MemTotal");

    /// <summary>MemAvailable of the cgroup (limit − usage + inactive page cache), else the host's.</summary>
    public long AvailableMib => Cgroup is { } c ? Math.Min(c.AvailableMib, ProcFs.MemInfoMib("MemAvailable")) : ProcFs.MemInfoMib("MemAvailable");

    private bool Running => _daemon is { Pid: not 0 };

    public static async Task<MemoryLab> CreateAsync(long? cgroupMib)
    {
        string help = (await Run.ProcessAsync(Repo.Hospesd, ["--help"], timeout: TimeSpan.FromSeconds(30))).Stdout;
        string dir = Directory.CreateTempSubdirectory("hmem-").FullName;
        Cgroup? cgroup = cgroupMib is { } mib ? Cgroup.Create(mib) : null;
        return new MemoryLab(dir, help, cgroup);
    }

    public bool Supports(string flag) => _help.Contains(flag, StringComparison.Ordinal);

    /// <summary>Starts hospesd with <paramref name="flags"/> (those it does not know yet are left out, with a warning).</summary>
    public async Task StartDaemonAsync(IReadOnlyList<string> flags)
    {
        if (Running)
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
        await File.AppendAllTextAsync(DaemonLog, $"==== bench: hospesd start {_starts}: {string.Join(' ', passed)}\n");
        if (_daemon is null)
        {
            _daemon = await Daemon.StartAsync(new DaemonOptions { Dir = _dir, Args = passed, CgroupProcs = Cgroup?.ProcsFile, CliTimeout = TimeSpan.FromMinutes(10) });
        }
        else
        {
            await _daemon.StartProcessAsync(passed);
        }

        if (_starts == 1)
        {
            (await _daemon.CliAsync("image", "build", "tiny")).Ok();
            HostInfo host = await _daemon.HostInfoAsync();
            QemuVersion = "QEMU " + host.QemuVersion;
            Accel = host.Accelerator ?? "?";
        }
    }

    /// <summary>Deletes every VM, stops hospesd (SIGTERM, then SIGKILL), and kills any QEMU of this lab still left.</summary>
    public async Task StopDaemonAsync()
    {
        if (_daemon is null || !Running)
        {
            return;
        }

        try
        {
            await DeleteAllAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"warning: deleting the VMs failed: {e.Message}");
        }

        await _daemon.StopAsync(TimeSpan.FromSeconds(15));
        foreach (int pid in HostProcesses.WithArgument(_dir + "/", "qemu-system"))
        {
            Console.Error.WriteLine($"warning: QEMU {pid} of the lab outlived its VM's deletion; killing it");
            HostProcesses.Kill(pid);
        }

        for (int i = 0; i < 100 && HostProcesses.WithArgument(_dir + "/", "qemu-system").Count > 0; i++)
        {
            await Task.Delay(100);
        }
    }

    public async Task DeleteAllAsync()
    {
        foreach (VmInfo vm in await Hospesd().ListAsync())
        {
            (await Hospesd().CliAsync("delete", vm.Name, "--force")).Ok();
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
        CliResult create = await Hospesd().CliWithinAsync(TimeSpan.FromMinutes(5), null, "create", cfg, "name=" + name);
        if (create.ExitCode != 0)
        {
            string message = (create.Stderr + create.Stdout).Trim();
            throw message.Contains("overcommit", StringComparison.OrdinalIgnoreCase) || message.Contains("cannot hold", StringComparison.OrdinalIgnoreCase)
                ? new StartRefusedException(message)
                : new InvalidOperationException($"hospes create {name}: {message}");
        }

        VmInfo info = await Hospesd().InfoAsync(name);
        string log = info.ConsoleLog ?? throw new InvalidOperationException($"{name} has no console log");
        int pid = info.Pid ?? throw new InvalidOperationException($"{name} has no QEMU after `hospes create`");
        while (!(await ConsoleFile.ReadAsync(log)).Contains(Hospes.Testing.Guest.Ready, StringComparison.Ordinal))
        {
            if (clock.Elapsed > readyLimit)
            {
                throw new TimeoutException($"{name}: no {Hospes.Testing.Guest.Ready} on its console after {readyLimit.TotalSeconds:0} s");
            }

            if (!HostProcesses.IsAlive(pid))
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
                int code;
                try
                {
                    code = (await Hospesd().CliWithinAsync(TimeSpan.FromSeconds(30), $"echo \"ping-\"{round}-{i + 1}.\n", "console", g.Name)).ExitCode;
                }
                catch (TimeoutException)
                {
                    code = -1;
                }

                cli[g.Name] = string.Create(CultureInfo.InvariantCulture, $"console exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
            }
            finally
            {
                slots.Release();
            }

            while (clock.Elapsed < limit)
            {
                if ((await ConsoleFile.ReadAsync(g.ConsoleLog)).Contains(answer, StringComparison.Ordinal))
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
            string log = await ConsoleFile.ReadAsync(g.ConsoleLog);
            string tail = new([.. log[Math.Max(0, log.Length - 60)..].Select(c => char.IsControl(c) ? ' ' : c)]);
            silent.Add($"{g.Name} ({cli.GetValueOrDefault(g.Name, "console not run")}; alive {HostProcesses.IsAlive(g.Pid)}; log ends `{tail.Trim().Replace("`", "'", StringComparison.Ordinal)}`)");
        }

        return (silent, answered.IsEmpty ? 0 : answered.Values.Max());
    }

    /// <summary>A read through the typed client, or null when this hospesd does not answer it (an older build has not every route).</summary>
    public async Task<T?> TryReadAsync<T>(string what, Func<HospesClient, CancellationToken, Task<T>> read)
        where T : class
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            return await read(Hospesd().Client, limit.Token);
        }
        catch (Exception e) when (e is HospesApiException or OperationCanceledException)
        {
            Console.Error.WriteLine($"note: {what}: {e.Message}");
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
        catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException)
        {
            Console.Error.WriteLine($"warning: stopping hospesd: {e.Message}");
        }

        if (_keptAs is not null && File.Exists(DaemonLog))
        {
            KsmState k = KsmState.Read();
            await File.AppendAllTextAsync(DaemonLog, $"==== bench: hospesd stopped; KSM now run = {k.Run}, pages_to_scan = {k.PagesToScan}, sleep_millisecs = {k.SleepMs}\n");
            File.Copy(DaemonLog, _keptAs, overwrite: true);
            Console.Error.WriteLine($"after hospesd stopped: KSM run = {k.Run}, pages_to_scan = {k.PagesToScan}; log kept again in {_keptAs}");
        }

        // Kills hospesd if stopping it failed, and every QEMU of the lab; the lab's folder is ours to remove.
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
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

    private Daemon Hospesd() => _daemon ?? throw new InvalidOperationException("hospesd has not been started: call StartDaemonAsync first");
}
