using System.Diagnostics;
using System.Globalization;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Memory;

/// <summary>How far one density run got, and what the host looked like at its end.</summary>
internal sealed record DensityResult
{
    public required string Policy { get; init; }
    public required long RamMib { get; init; }
    public string? Cgroup { get; init; }
    public int Started { get; init; }
    public int Answering { get; init; }

    /// <summary>The guests that did not answer at the end (or at the round that stopped the run), and why it looks so.</summary>
    public IReadOnlyList<string> SilentDetails { get; init; } = [];

    /// <summary>Of those, how many answered when asked again right after.</summary>
    public int SecondAnswered { get; init; }
    public required string StopReason { get; init; }

    /// <summary>hospesd's refusal (the CLI's message), when a start was refused.</summary>
    public string? Refusal { get; init; }
    public long HostAvailableEndMib { get; init; }
    public long? CgroupAvailableEndMib { get; init; }
    public long? CgroupUsageEndMib { get; init; }
    public long MinAvailableMib { get; init; }
    public long OomKills { get; init; }
    public required KsmState Ksm { get; init; }

    /// <summary>KSM as found before the run (left by whatever ran before), then reset to the host's default.</summary>
    public required KsmState KsmFound { get; init; }
    public KsmWatch? KsmSeen { get; init; }

    /// <summary>hospesd's "KSM on for N guests: pages_to_scan P, sleep S ms", less "KSM on for ".</summary>
    public string? KsmOnLogged { get; init; }

    /// <summary>Admission's working-set check for one more guest at the end, as the bench estimates it.</summary>
    public string WorkingSet { get; init; } = "";
    public double PssMedianMib { get; init; }
    public double RssMedianMib { get; init; }
    public double GuestRamMedianMib { get; init; }
    public double TcgCacheMedianMib { get; init; }
    public string AccelArgument { get; init; } = "";
    public string QemuVersion { get; init; } = "";
    public string Accel { get; init; } = "";
    public int CheckEvery { get; init; }
    public long SafetyMib { get; init; }
    public double AvailableDropPerGuestMib { get; init; }
    public double BootMedianS { get; init; }
    public double BootLastS { get; init; }
    public double SlowestPingS { get; init; }
    public double TotalSeconds { get; init; }
    public string HospesdView { get; init; } = "";
    public string Balloons { get; init; } = "";

    /// <summary>The memory policy's balloon moves, from hospesd's log (`hospes top` keeps only the last 100).</summary>
    public int BalloonActions { get; init; }
    public string ActionReasons { get; init; } = "";
    public int PressureWarnings { get; init; }
    public IReadOnlyList<string> DaemonFlags { get; init; } = [];
    public IReadOnlyList<string> FlagsLeftOut { get; init; } = [];
    public IReadOnlyList<string> Trouble { get; init; } = [];
    public string LogKept { get; init; } = "";

    public long Anchor => RamMib / MemoryLab.GuestMib;
}

/// <summary>What KSM looked like while guests ran: sampled every few seconds.</summary>
internal sealed class KsmWatch
{
    private readonly Lock _gate = new();

    public long PagesToScanMin { get; private set; } = long.MaxValue;
    public long PagesToScanMax { get; private set; }
    public double SavedMaxMib { get; private set; }

    public void Sample()
    {
        KsmState k = KsmState.Read();
        lock (_gate)
        {
            SavedMaxMib = Math.Max(SavedMaxMib, k.SavedMib);
            if (k.Run == "1")
            {
                PagesToScanMin = Math.Min(PagesToScanMin, k.PagesToScan);
                PagesToScanMax = Math.Max(PagesToScanMax, k.PagesToScan);
            }
        }
    }
}

/// <summary>
/// `density`: idle tiny guests (memory = 512) started one after another until hospesd refuses a start (admission
/// control), a start fails otherwise, a guest stops answering on its console or dies, the cgroup records an OOM kill or
/// its MemAvailable falls under the safety net, or the time budget is spent. Every guest is pinged after every
/// <c>checkEvery</c> starts and at the end. KSM is reset to the host's default before the run so that hospesd itself
/// switches it on and tunes it.
/// </summary>
internal sealed class DensityBench(string policy, double ratio, long? cgroupMib, int? tbSizeMib, TimeSpan budget, int maxGuests, int checkEvery, long safetyMib)
{
    private static readonly TimeSpan PingLimit = TimeSpan.FromSeconds(60);

    public async Task<DensityResult> RunAsync()
    {
        KsmState found = KsmState.Read();
        KsmState.ResetToDefault();
        Console.Error.WriteLine($"[{policy}] KSM found run = {found.Run}, pages_to_scan = {found.PagesToScan}, sleep_millisecs = {found.SleepMs}; reset to run = 0, pages_to_scan = 100, sleep_millisecs = 20");
        await using MemoryLab lab = await MemoryLab.CreateAsync(cgroupMib);
        // KSM is off by default since issue 13 (a side channel between guests of different owners); the lab's guests have
        // one owner, and the density figures were measured with it on.
        List<string> flags = ["--memory-policy", policy, "--memory-overcommit-ratio", ratio.ToString(CultureInfo.InvariantCulture), "--ksm", "auto"];
        if (tbSizeMib is { } tb)
        {
            flags.AddRange(["--tcg-tb-size-mib", tb.ToString(CultureInfo.InvariantCulture)]);
        }

        await lab.StartDaemonAsync(flags);
        if (lab.Cgroup is { } cg)
        {
            Console.Error.WriteLine($"hospesd runs in memory cgroup {cg.Version} {cg.Path}, limit {cg.LimitMib} MiB");
        }

        var guests = new List<Guest>();
        var clock = Stopwatch.StartNew();
        long availableBefore = lab.AvailableMib;
        long minAvailable = availableBefore;
        var ksm = new KsmWatch();
        using var watching = new CancellationTokenSource();
        Task watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                ksm.Sample();
                Interlocked.Exchange(ref minAvailable, Math.Min(Interlocked.Read(ref minAvailable), lab.AvailableMib));
                try
                {
                    await Task.Delay(2000, watching.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        string? stop = null, refusal = null;
        bool silentStop = false;
        int round = 0, silentAtEnd = 0, secondAnswered = 0;
        List<string> silentDetails = [];
        double slowestPing = 0;
        try
        {
            while (stop is null)
            {
                stop = Check();
                if (stop is not null)
                {
                    break;
                }

                string name = $"d-{guests.Count + 1}";
                try
                {
                    guests.Add(await lab.CreateGuestAsync(name, TimeSpan.FromMinutes(5)));
                }
                catch (StartRefusedException e)
                {
                    refusal = FirstLine(e.Message);
                    string check = refusal.Contains("overcommit ratio", StringComparison.Ordinal) && refusal.Contains("past this host's limit", StringComparison.Ordinal)
                        ? "its overcommit ratio" : refusal.Contains("cannot hold", StringComparison.Ordinal) ? "its working-set estimate + reserve" : "?";
                    stop = $"admission: hospesd refused guest {guests.Count + 1} by {check} (MemAvailable {lab.AvailableMib} MiB)";
                    break;
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                {
                    stop = Check() is { } why ? $"{why}; and guest {guests.Count + 1} did not come up: {FirstLine(e.Message)}"
                        : $"start failed: guest {guests.Count + 1} did not come up: {FirstLine(e.Message)}";
                    break;
                }

                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{policy}] {clock.Elapsed.TotalMinutes:0.0} min: {name} ready in {guests[^1].BootSeconds:0.0} s; available {lab.AvailableMib} MiB; KSM run {KsmState.Read().Run} pages_to_scan {KsmState.Read().PagesToScan} saved {KsmState.Read().SavedMib:0} MiB; load {Machine.LoadAverage()}"));
                if (guests.Count % checkEvery == 0)
                {
                    (List<string> silent, double slowest) = await lab.PingAsync(guests, ++round, PingLimit);
                    slowestPing = Math.Max(slowestPing, slowest);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{policy}] ping round {round}: {guests.Count - silent.Count}/{guests.Count} answered, slowest {slowest:0.0} s"));
                    if (silent.Count > 0)
                    {
                        stop = $"guest silent: {silent.Count} of {guests.Count} guests did not answer on the console within {PingLimit.TotalSeconds:0} s (ping round {round})";
                        silentStop = true;
                        silentAtEnd = silent.Count;
                        silentDetails = silent;
                    }
                }
            }

            if (!silentStop && guests.Count > 0)
            {
                (List<string> silent, double slowest) = await lab.PingAsync([.. guests.Where(g => HostProcesses.IsAlive(g.Pid))], ++round, PingLimit);
                slowestPing = Math.Max(slowestPing, slowest);
                silentAtEnd = silent.Count + guests.Count(g => !HostProcesses.IsAlive(g.Pid));
                silentDetails = silent;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{policy}] final ping: {guests.Count - silentAtEnd}/{guests.Count} answered, slowest {slowest:0.0} s"));
            }

            if (silentDetails.Count > 0)
            {
                // Asked again, alone this time: slow (CPU) or gone?
                foreach (string d in silentDetails)
                {
                    Console.Error.WriteLine($"[{policy}]   silent: {d}");
                }

                List<Guest> again = [.. guests.Where(g => silentDetails.Any(d => d.StartsWith(g.Name + " ", StringComparison.Ordinal)) && HostProcesses.IsAlive(g.Pid))];
                (List<string> still, _) = await lab.PingAsync(again, ++round, PingLimit);
                secondAnswered = again.Count - still.Count;
                Console.Error.WriteLine($"[{policy}] asked again: {secondAnswered}/{silentDetails.Count} answered");
            }

            double total = clock.Elapsed.TotalSeconds;
            ksm.Sample();
            var mem = guests.Select(g => ProcFs.SmapsRollup(g.Pid)).OfType<(long RssKib, long PssKib)>().ToList();
            var parts = guests.Select(g => QemuStats.RssBreakdown(g.Pid, MemoryLab.GuestMib, QemuStats.TbSizeMib(g.Pid))).OfType<(long GuestRamKib, long TcgCacheKib)>().ToList();
            (HostMemoryInfo? hostMemory, string view, string balloons) = await HospesdViewAsync(lab);
            (int actions, string reasons, int pressure) = PolicyActions(lab.DaemonLog);
            // From the log: `hospes host memory` says how KSM is now, not when hospesd switched it on nor for how many guests.
            string? ksmOn = File.Exists(lab.DaemonLog) ? File.ReadLines(lab.DaemonLog).Select(l => l.IndexOf("KSM on for ", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 7)..] : null).FirstOrDefault(l => l is not null) : null;
            string workingSet = WorkingSetCheck(mem.Select(m => m.RssKib / 1024.0).ToList(), hostMemory);
            await watching.CancelAsync();
            await watcher;
            return new DensityResult
            {
                Policy = policy,
                RamMib = lab.RamMib,
                Cgroup = lab.Cgroup is { } used ? $"cgroup {used.Version} limit {used.LimitMib} MiB" : null,
                Started = guests.Count,
                Answering = guests.Count - silentAtEnd,
                SilentDetails = silentDetails,
                SecondAnswered = secondAnswered,
                StopReason = stop ?? "?",
                Refusal = refusal,
                HostAvailableEndMib = ProcFs.MemInfoMib("MemAvailable"),
                CgroupAvailableEndMib = lab.Cgroup?.AvailableMib,
                CgroupUsageEndMib = lab.Cgroup?.UsageMib,
                MinAvailableMib = Interlocked.Read(ref minAvailable),
                OomKills = lab.Cgroup?.OomKills ?? 0,
                Ksm = KsmState.Read(),
                KsmFound = found,
                KsmSeen = ksm,
                KsmOnLogged = ksmOn,
                WorkingSet = workingSet,
                PssMedianMib = mem.Count > 0 ? Stats.Median([.. mem.Select(m => m.PssKib / 1024.0)]) : 0,
                RssMedianMib = mem.Count > 0 ? Stats.Median([.. mem.Select(m => m.RssKib / 1024.0)]) : 0,
                GuestRamMedianMib = parts.Count > 0 ? Stats.Median([.. parts.Select(m => m.GuestRamKib / 1024.0)]) : 0,
                TcgCacheMedianMib = parts.Count > 0 ? Stats.Median([.. parts.Select(m => m.TcgCacheKib / 1024.0)]) : 0,
                AccelArgument = guests.Count > 0 ? QemuStats.AccelArgument(guests[0].Pid) : "",
                QemuVersion = lab.QemuVersion,
                Accel = lab.Accel,
                CheckEvery = checkEvery,
                SafetyMib = safetyMib,
                AvailableDropPerGuestMib = guests.Count > 0 ? (double)(availableBefore - lab.AvailableMib) / guests.Count : 0,
                BootMedianS = guests.Count > 0 ? Stats.Median([.. guests.Select(g => g.BootSeconds)]) : 0,
                BootLastS = guests.Count > 0 ? guests[^1].BootSeconds : 0,
                SlowestPingS = slowestPing,
                TotalSeconds = total,
                HospesdView = view,
                Balloons = balloons,
                BalloonActions = actions,
                ActionReasons = reasons,
                PressureWarnings = pressure,
                DaemonFlags = lab.DaemonFlags,
                FlagsLeftOut = [.. lab.FlagsLeftOut],
                Trouble = lab.TroubleLines(),
                LogKept = lab.KeepLog("density-" + policy),
            };
        }
        catch
        {
            await watching.CancelAsync();
            Console.Error.WriteLine($"hospesd's log: {lab.KeepLog("density-" + policy)}");
            throw;
        }

        // The reasons to stop before the next start, or null to go on.
        string? Check()
        {
            Guest? dead = guests.FirstOrDefault(g => !HostProcesses.IsAlive(g.Pid));
            long oom = lab.Cgroup?.OomKills ?? 0;
            long available = lab.AvailableMib;
            return Interrupt.Requested ? "interrupted (Ctrl-C)"
                : oom > 0 ? $"safety net: the cgroup recorded {oom} OOM kill(s)" + (dead is not null ? $" ({dead.Name}'s QEMU, pid {dead.Pid}, ended)" : "")
                : dead is not null ? $"guest died: {dead.Name}'s QEMU (pid {dead.Pid}) ended"
                : available < safetyMib ? $"safety net: MemAvailable {available} MiB < {safetyMib} MiB"
                : clock.Elapsed > budget ? $"time budget of {budget.TotalMinutes:0} min spent"
                : guests.Count >= maxGuests ? $"--max-guests {maxGuests} reached"
                : null;
        }
    }

    /// <summary>
    /// The memory policy's balloon moves in hospesd's log ("NAME: balloon FROM -> TO MiB (REASON)"): how many, and how
    /// many per kind of reason (the reason's text up to its first colon); and the "cannot be reclaimed" warnings.
    /// </summary>
    private static (int Count, string Reasons, int Pressure) PolicyActions(string log)
    {
        if (!File.Exists(log))
        {
            return (0, "", 0);
        }

        string[] lines = File.ReadAllLines(log);
        var moves = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @": balloon (\d+) -> (\d+) MiB \((.*)\)$")).Where(m => m.Success).ToList();
        string reasons = string.Join("; ", moves
            .GroupBy(m => (Kind: m.Groups[3].Value.Split(':')[0], Down: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) < int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
            .Select(g => $"{g.Count()} × {(g.Key.Down ? "down" : "up")}, \"{g.Key.Kind}\""));
        return (moves.Count, reasons, lines.Count(l => l.Contains("cannot be reclaimed from guests", StringComparison.Ordinal)));
    }

    /// <summary>hospesd's own view at the end (`hospes host memory`, `hospes top --once`), when this hospesd has them.</summary>
    private static async Task<(HostMemoryInfo? Host, string View, string Balloons)> HospesdViewAsync(MemoryLab lab)
    {
        string view = "", balloons = "";
        HostMemoryInfo? host = await lab.TryReadAsync("host memory", (c, ct) => c.Memory.HostAsync(ct));
        if (host is not null)
        {
            view = string.Create(CultureInfo.InvariantCulture, $"total {host.TotalMib} MiB, available {host.AvailableMib} MiB, committed {host.CommittedMib} MiB, ratio {host.OvercommitRatio}, reserve {host.ReserveMib} MiB, policy {host.Policy}, KSM {host.Ksm.State} (saved {host.Ksm.SavedMib} MiB)");
        }

        if (await lab.TryReadAsync("top", (c, ct) => c.Memory.TopAsync(ct)) is { } top)
        {
            double[] actual = [.. top.Vms.Select(v => v.ActualMib).OfType<long>().Select(v => (double)v)];
            double[] used = [.. top.Vms.Select(v => v.GuestUsedMib).OfType<long>().Select(v => (double)v)];
            double[] rss = [.. top.Vms.Select(v => v.HostRssMib).OfType<long>().Select(v => (double)v)];
            balloons = string.Create(CultureInfo.InvariantCulture, $"median per guest: balloon actual {Med(actual)} MiB, guest used {Med(used)} MiB, host RSS {Med(rss)} MiB");
        }

        return (host, view, balloons);
    }

    private static string Med(double[] v) => v.Length == 0 ? "?" : Stats.Median(v).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Admission's working-set check for one more guest, redone from the end state the way hospesd does it: the
    /// median share of their 512 MiB the guests' QEMUs hold (Rss), + 25 %, against hospesd's available − reserve.
    /// </summary>
    private static string WorkingSetCheck(List<double> rssMib, HostMemoryInfo? host)
    {
        if (rssMib.Count < 3 || host is null)
        {
            return "n/a";
        }

        double share = Stats.Median([.. rssMib.Select(r => r / MemoryLab.GuestMib)]);
        double needs = Math.Min(1, share * 1.25) * MemoryLab.GuestMib;
        long canHold = host.AvailableMib - host.ReserveMib;
        return string.Create(CultureInfo.InvariantCulture, $"needs ≈ {needs:0} MiB ({share:P0} × 1.25 of 512 MiB); {canHold} MiB above the reserve: {(needs <= canHold ? "would admit" : "would refuse")}");
    }

    private static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? s;
}
