using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Memory;

/// <summary>One run of one translation cache size: K idle guests, per-VM figures.</summary>
internal sealed record OverheadRun(double RssMib, double PssMib, double GuestRamMib, double TcgCacheMib, double DropMib, double ChargeMib, double CpuPercent, IReadOnlyList<double> Boots, double KsmSavedMib);

/// <summary>
/// `overhead`: what one idle tiny guest (memory = 512) costs the host, as a function of TCG's translation cache
/// size. For every size, hospesd is started with --tcg-tb-size-mib (absent for QEMU's default), K guests are booted
/// one after another, left idle, and measured: Rss and Pss of each QEMU, the drop of MemAvailable, and CPU.
/// Sizes are interleaved within every run so that machine load hits them alike.
/// </summary>
/// <remarks>Size 0: the flag absent (hospesd's own default); size -1: `--tcg-tb-size-mib default` (QEMU's default, 1 GiB).</remarks>
internal sealed class OverheadBench(IReadOnlyList<int> tbSizes, int guests, int runs, TimeSpan idle, TimeSpan cpuWindow)
{
    private readonly Dictionary<int, List<OverheadRun>> _results = tbSizes.ToDictionary(t => t, _ => new List<OverheadRun>());
    private readonly Dictionary<int, string> _accelAsRun = [];
    private string _qemu = "";
    private string _accel = "";
    private KsmState _ksm = KsmState.Read();
    private readonly List<string> _leftOut = [];
    private readonly List<string> _trouble = [];
    private string _log = "";

    public async Task RunAsync()
    {
        // hospesd and its QEMUs run in a memory cgroup as large as the host (so nothing is limited): its charge is what
        // the guests cost, without the noise other work on a shared machine puts into MemAvailable.
        await using MemoryLab lab = await MemoryLab.CreateAsync(cgroupMib: ProcFs.MemInfoMib("MemTotal"));
        try
        {
            for (int run = 1; run <= runs; run++)
            {
                foreach (int tb in tbSizes)
                {
                    Interrupt.ThrowIfRequested();
                    List<string> flags = ["--memory-policy", "off"];
                    if (tb != 0)
                    {
                        flags.AddRange(["--tcg-tb-size-mib", tb < 0 ? "default" : tb.ToString(CultureInfo.InvariantCulture)]);
                    }

                    await lab.StartDaemonAsync(flags);
                    _leftOut.AddRange(lab.FlagsLeftOut.Where(f => !_leftOut.Contains(f)));
                    _qemu = lab.QemuVersion;
                    _accel = lab.Accel;
                    try
                    {
                        OverheadRun r = await OneRunAsync(lab, tb, run);
                        _results[tb].Add(r);
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"run {run}/{runs} tb-size {Label(tb)}: Rss {r.RssMib:0} MiB, Pss {r.PssMib:0} MiB, MemAvailable drop {r.DropMib:0} MiB, CPU {r.CpuPercent:0.00} % per VM; boots {string.Join(' ', r.Boots.Select(b => b.ToString("0.0", CultureInfo.InvariantCulture)))} s; load {Machine.LoadAverage()}"));
                    }
                    finally
                    {
                        await lab.StopDaemonAsync();
                    }
                }
            }
        }
        finally
        {
            _trouble.AddRange(lab.TroubleLines());
            _log = lab.KeepLog("overhead");
            Console.Error.WriteLine($"hospesd's log: {_log}");
        }
    }

    public string Markdown(string loadBefore, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {_qemu}, accelerator {_accel}, {ProcFs.MemInfoMib("MemTotal") / 1024} GiB RAM, no swap; load average before the run: {loadBefore}, after: {Machine.LoadAverage()}. KSM as hospesd left it: run = {_ksm.RunText}, pages_to_scan = {_ksm.PagesToScan}, sleep_millisecs = {_ksm.SleepMs}.");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| TCG translation cache (`hospesd --tcg-tb-size-mib`) | `-accel` as run | boot: `hospes create` → `HOSPES-READY` | Rss per VM | of which guest RAM | of which TCG cache | Pss per VM | cgroup charge per VM | MemAvailable drop per VM | idle CPU per VM | KSM saved | runs × VMs |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (int tb in tbSizes)
        {
            List<OverheadRun> rs = _results[tb];
            if (rs.Count == 0)
            {
                continue;
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {SizeText(tb)} | `{_accelAsRun.GetValueOrDefault(tb, "?")}` | {Cell([.. rs.SelectMany(r => r.Boots)], "0.00", "s")} | {Cell([.. rs.Select(r => r.RssMib)], "0", "MiB")} | {Cell([.. rs.Select(r => r.GuestRamMib)], "0", "MiB")} | {Cell([.. rs.Select(r => r.TcgCacheMib)], "0", "MiB")} | {Cell([.. rs.Select(r => r.PssMib)], "0", "MiB")} | {Cell([.. rs.Select(r => r.ChargeMib)], "0", "MiB")} | {Cell([.. rs.Select(r => r.DropMib)], "0", "MiB")} | {Cell([.. rs.Select(r => r.CpuPercent)], "0.00", "%")} | {Stats.Median([.. rs.Select(r => r.KsmSavedMib)]):0} MiB | {rs.Count} × {guests} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each run: hospesd started with `--memory-policy off` and the size shown (`-accel` as run is what QEMU's command line had), {guests} guests of `memory = {MemoryLab.GuestMib}` (tiny image, no vif) created one after another, each waited for until `HOSPES-READY`, then {idle.TotalSeconds:0} s idle; then CPU over {cpuWindow.TotalSeconds:0} s (utime + stime of each QEMU, in % of one core), Rss and Pss from `/proc/PID/smaps_rollup` (the Rss split by mapping from `/proc/PID/smaps`: guest RAM is the anonymous mapping of exactly 512 MiB, the TCG cache the one of the tb-size, 1 GiB by default), and the growth of the memory charged to hospesd's cgroup (hospesd and its QEMUs run in a memory cgroup limited to the host's RAM, so nothing else on the machine counts) and the host's MemAvailable drop (which does count everything else) since before the first create, divided by {guests}. Cells: median (min–max) over the runs of each run's per-VM median (boot: over every boot). KSM saved: `pages_sharing` × 4 KiB at the measurement, for the whole host.");
        if (_leftOut.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"**Not measured as intended:** the hospesd used did not accept {string.Join(", ", _leftOut.Select(f => $"`{f}`"))}; those flags were left out.");
        }

        return md.ToString();
    }

    public IReadOnlyList<string> Trouble => _trouble;

    public static int ParseSize(string s) => s switch
    {
        "absent" => 0,
        "default" or "qemu" => -1,
        _ => int.Parse(s, CultureInfo.InvariantCulture),
    };

    private static string Label(int tb) => tb switch
    {
        0 => "flag absent",
        < 0 => "QEMU's default",
        _ => $"{tb} MiB",
    };

    private static string SizeText(int tb) => tb switch
    {
        0 => "flag absent: hospesd's default",
        < 0 => "`default`: QEMU's own (1 GiB)",
        _ => $"{tb} MiB",
    };

    private static string Cell(IReadOnlyList<double> v, string format, string unit) =>
        $"{Stats.Median(v).ToString(format, CultureInfo.InvariantCulture)} {unit} ({v.Min().ToString(format, CultureInfo.InvariantCulture)}–{v.Max().ToString(format, CultureInfo.InvariantCulture)})";

    private async Task<OverheadRun> OneRunAsync(MemoryLab lab, int tb, int run)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        long before = ProcFs.MemInfoMib("MemAvailable"), chargeBefore = lab.Cgroup!.UsageMib;
        var started = new List<Guest>();
        for (int i = 1; i <= guests; i++)
        {
            Interrupt.ThrowIfRequested();
            started.Add(await lab.CreateGuestAsync($"o{run}-{tb switch { 0 => "a", < 0 => "q", _ => tb.ToString(CultureInfo.InvariantCulture) }}-{i}", TimeSpan.FromMinutes(5)));
        }

        _accelAsRun[tb] = "-accel " + QemuStats.AccelArgument(started[0].Pid);
        await Task.Delay(idle);
        Interrupt.ThrowIfRequested();
        long[] t0 = [.. started.Select(g => QemuStats.CpuTicks(g.Pid) ?? throw new InvalidOperationException($"{g.Name}'s QEMU ended while idle"))];
        var clock = Stopwatch.StartNew();
        await Task.Delay(cpuWindow);
        long[] t1 = [.. started.Select(g => QemuStats.CpuTicks(g.Pid) ?? throw new InvalidOperationException($"{g.Name}'s QEMU ended while idle"))];
        double seconds = clock.Elapsed.TotalSeconds;
        var mem = started.Select(g => ProcFs.SmapsRollup(g.Pid) ?? throw new InvalidOperationException($"{g.Name}'s QEMU ended while idle")).ToList();
        var parts = started.Select(g => QemuStats.RssBreakdown(g.Pid, MemoryLab.GuestMib, QemuStats.TbSizeMib(g.Pid)) ?? throw new InvalidOperationException($"{g.Name}'s QEMU ended while idle")).ToList();
        long after = ProcFs.MemInfoMib("MemAvailable"), chargeAfter = lab.Cgroup!.UsageMib;
        _ksm = KsmState.Read();
        double cpu = t0.Zip(t1, (a, b) => (b - a) / QemuStats.ClockTicksPerSecond / seconds * 100).Average();
        return new OverheadRun(
            Stats.Median([.. mem.Select(m => m.RssKib / 1024.0)]),
            Stats.Median([.. mem.Select(m => m.PssKib / 1024.0)]),
            Stats.Median([.. parts.Select(m => m.GuestRamKib / 1024.0)]),
            Stats.Median([.. parts.Select(m => m.TcgCacheKib / 1024.0)]),
            (double)(before - after) / guests,
            (double)(chargeAfter - chargeBefore) / guests,
            cpu,
            [.. started.Select(g => g.BootSeconds)],
            _ksm.SavedMib);
    }
}
