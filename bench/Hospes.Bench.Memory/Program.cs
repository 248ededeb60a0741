using System.Globalization;
using System.Text;
using Hospes.Bench.Memory;
using Hospes.Testing;
using Hospes.Testing.Bench;

// Memory benchmark, two modes:
//   overhead: the host's cost of one idle tiny guest (memory = 512) by TCG translation cache size (hospesd --tcg-tb-size-mib).
//   density:  idle 512 MiB tiny guests started until admission control refuses, a start fails, a guest stops answering
//             or dies, the cgroup records an OOM kill or MemAvailable falls under a safety net, or the time budget is spent;
//             with hospesd's memory policy off and balance, optionally inside a memory cgroup (a smaller host). KSM is
//             reset to the host's default (run 0, 100 pages per 20 ms) before each run, so that hospesd switches and tunes it.
// Usage:
// dotnet run --project bench/Hospes.Bench.Memory -c Release -- overhead [--runs 3] [--guests 6] [--tb-sizes default,64,32,16] [--idle-s 20] [--cpu-s 20] [--write docs/benchmarks.md]
//     (a size is MiB, `default` for QEMU's own 1 GiB (--tcg-tb-size-mib default), or `absent` for hospesd's default: no flag)
// dotnet run --project bench/Hospes.Bench.Memory -c Release -- density [--policy off|balance|both] [--cgroup-mib 6144] [--ratio 4] [--max-minutes 25]
//     [--max-guests 400] [--check-every 10] [--min-available-mib 128] [--tcg-tb-size-mib N] [--write docs/benchmarks.md]
string mode = args.Length > 0 ? args[0] : "";
string? write = Args.Str(args, "--write");
string root = Repo.Root;
string load = Machine.LoadAverage();
// The density section shows the command exactly as run; the overhead section's was run after ./setup.sh.
string command = (mode == "density" ? "" : "./setup.sh && ") + "dotnet run --project bench/Hospes.Bench.Memory -c Release -- " + string.Join(' ', args);
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops the benchmark cleanly (VMs deleted, hospesd stopped, cgroup removed); a second one kills it.
    e.Cancel = !Interrupt.Requested;
    Interrupt.Requested = true;
    Console.Error.WriteLine("interrupted: cleaning up (Ctrl-C again to abort at once)");
};

switch (mode)
{
    case "overhead":
        {
            int[] sizes = [.. (Args.Str(args, "--tb-sizes") ?? "default,64,32,16").Split(',').Select(OverheadBench.ParseSize)];
            var bench = new OverheadBench(sizes, Args.Int(args, "--guests", 6), Args.Int(args, "--runs", 3),
                TimeSpan.FromSeconds(Args.Int(args, "--idle-s", 20)), TimeSpan.FromSeconds(Args.Int(args, "--cpu-s", 20)));
            await bench.RunAsync();
            string md = bench.Markdown(load, command);
            Console.WriteLine(md);
            PrintTrouble(bench.Trouble);
            if (write is not null)
            {
                MemorySection.Write(Path.Combine(root, write), "memory-overhead", md);
                Console.Error.WriteLine($"wrote the memory-overhead part of {write}");
            }

            return 0;
        }

    case "density":
        {
            string policy = Args.Str(args, "--policy") ?? "both";
            string[] policies = policy == "both" ? ["off", "balance"] : [policy];
            string? cg = Args.Str(args, "--cgroup-mib");
            string? tb = Args.Str(args, "--tcg-tb-size-mib");
            var results = new List<DensityResult>();
            foreach (string p in policies)
            {
                if (Interrupt.Requested)
                {
                    break;
                }

                var bench = new DensityBench(p, double.Parse(Args.Str(args, "--ratio") ?? "4", CultureInfo.InvariantCulture),
                    cg is null ? null : long.Parse(cg, CultureInfo.InvariantCulture), tb is null ? null : int.Parse(tb, CultureInfo.InvariantCulture),
                    TimeSpan.FromMinutes(Args.Int(args, "--max-minutes", 25)), Args.Int(args, "--max-guests", 400), Args.Int(args, "--check-every", 10),
                    Args.Int(args, "--min-available-mib", 128));
                DensityResult r = await bench.RunAsync();
                results.Add(r);
                Console.Error.WriteLine($"[{p}] {r.Started} guests started, {r.Answering} answering; stopped: {r.StopReason}; refusal: {r.Refusal ?? "none"}; hospesd's log: {r.LogKept}");
                PrintTrouble(r.Trouble);
            }

            string md = DensityMarkdown(results, load, command);
            Console.WriteLine(md);
            if (write is not null && results.Count > 0)
            {
                MemorySection.Write(Path.Combine(root, write), "memory-density", md);
                Console.Error.WriteLine($"wrote the memory-density part of {write}");
            }

            return 0;
        }

    default:
        Console.Error.WriteLine("usage: Hospes.Bench.Memory overhead|density [options]; see the top of Program.cs");
        return 2;
}

static void PrintTrouble(IReadOnlyList<string> lines)
{
    if (lines.Count > 0)
    {
        Console.Error.WriteLine($"hospesd's log has {lines.Count} line(s) that look like trouble; the first ones:");
        foreach (string l in lines.Take(15))
        {
            Console.Error.WriteLine("  " + l);
        }
    }
}

static string DensityMarkdown(IReadOnlyList<DensityResult> results, string load, string command)
{
    var md = new StringBuilder();
    KsmState ksm = results.Count > 0 ? results[^1].Ksm : KsmState.Read();
    DensityResult? any = results.Count > 0 ? results[0] : null;
    md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {any?.QemuVersion}, accelerator {any?.Accel}, {ProcFs.MemInfoMib("MemTotal") / 1024} GiB RAM, no swap; load average before the run: {load}, after: {Machine.LoadAverage()}. KSM at the end, as hospesd left it: run = {ksm.RunText}, pages_to_scan = {ksm.PagesToScan}, sleep_millisecs = {ksm.SleepMs}.");
    md.AppendLine();
    md.AppendLine("```");
    md.AppendLine(command);
    md.AppendLine("```");
    md.AppendLine();
    md.AppendLine("| idle tiny guests, `memory = 512` | " + string.Join(" | ", results.Select(r => $"`--memory-policy {r.Policy}`")) + " |");
    md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|")));
    Row("hospesd flags", r => (r.DaemonFlags.Count > 0 ? $"`{string.Join(' ', r.DaemonFlags)}`" : "(none)") + (r.FlagsLeftOut.Count > 0 ? $" (not accepted yet, left out: `{string.Join(' ', r.FlagsLeftOut)}`)" : ""));
    Row("host RAM the guests had", r => r.Cgroup is null ? $"{r.RamMib} MiB (MemTotal)" : $"{r.RamMib} MiB ({r.Cgroup})");
    Row("no-overcommit anchor (RAM ÷ 512 MiB)", r => $"{r.Anchor}");
    Row("**guests started / answering at the end**", r => $"**{r.Started} / {r.Answering}**");
    Row("guests silent at the end: answered when asked again / details (first 3)", r => r.SilentDetails.Count == 0 ? "none" : $"{r.SecondAnswered} of {r.SilentDetails.Count}: " + Cell(string.Join("; ", r.SilentDetails.Take(3))));
    Row("ratio to the anchor", r => string.Create(CultureInfo.InvariantCulture, $"{(double)r.Answering / Math.Max(1, r.Anchor):0.00}×"));
    Row("why it stopped", r => Cell(r.StopReason));
    Row("hospesd's refusal", r => r.Refusal is null ? "none" : Cell(r.Refusal));
    Row("admission's working-set check for one more guest (redone by the bench from the end state)", r => r.WorkingSet);
    Row("MemAvailable at the end", r => $"host {r.HostAvailableEndMib} MiB" + (r.CgroupAvailableEndMib is { } a ? $"; cgroup {a} MiB (usage {r.CgroupUsageEndMib} MiB, OOM kills {r.OomKills})" : "") + $"; lowest during the run {r.MinAvailableMib} MiB");
    Row("KSM found before the run (reset to run 0, 100 pages / 20 ms)", r => $"run {r.KsmFound.Run}, pages_to_scan {r.KsmFound.PagesToScan}, sleep {r.KsmFound.SleepMs} ms");
    Row("KSM as hospesd set it: switched on (its log) / `pages_to_scan` while on (min–max) / at the end", r => r.KsmSeen is not { PagesToScanMax: > 0 } w
        ? $"never switched on; at the end run {r.Ksm.Run}, pages_to_scan {r.Ksm.PagesToScan}"
        : $"{r.KsmOnLogged ?? "not logged"} / {w.PagesToScanMin}–{w.PagesToScanMax} / {r.Ksm.PagesToScan} (run {r.Ksm.Run}, sleep {r.Ksm.SleepMs} ms)");
    Row("KSM `pages_sharing` at the end (× 4 KiB = saved)", r => string.Create(CultureInfo.InvariantCulture, $"{r.Ksm.PagesSharing} ({r.Ksm.SavedMib:0} MiB; most during the run {r.KsmSeen?.SavedMaxMib ?? 0:0} MiB)"));
    Row("per guest: Pss / Rss of its QEMU (median)", r => string.Create(CultureInfo.InvariantCulture, $"{r.PssMedianMib:0} / {r.RssMedianMib:0} MiB"));
    Row("per guest: Rss of its guest RAM / of its TCG cache (median)", r => string.Create(CultureInfo.InvariantCulture, $"{r.GuestRamMedianMib:0} / {r.TcgCacheMedianMib:0} MiB (`-accel {r.AccelArgument}`)"));
    Row("per guest: MemAvailable drop", r => string.Create(CultureInfo.InvariantCulture, $"{r.AvailableDropPerGuestMib:0} MiB"));
    Row("boot (create → ready): median / last guest", r => string.Create(CultureInfo.InvariantCulture, $"{r.BootMedianS:0.0} / {r.BootLastS:0.0} s"));
    Row("slowest console answer", r => string.Create(CultureInfo.InvariantCulture, $"{r.SlowestPingS:0.0} s"));
    Row("hospesd's view (`hospes host memory`)", r => r.HospesdView.Length > 0 ? r.HospesdView : "n/a");
    Row("balloons (`hospes top --once`)", r => r.Balloons.Length > 0 ? r.Balloons : "n/a");
    Row("memory policy actions (hospesd's log)", r => (r.BalloonActions == 0 ? "0" : $"{r.BalloonActions}: {r.ActionReasons}")
        + (r.PressureWarnings > 0 ? $"; {r.PressureWarnings} \"cannot be reclaimed\" warning(s)" : ""));
    Row("total time", r => string.Create(CultureInfo.InvariantCulture, $"{r.TotalSeconds / 60:0.0} min"));
    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"A guest counts as answering when `echo \"ping-\"R-G.` typed on its console (`hospes console NAME` with piped input) prints `ping-R-G.` in its console log within 60 s (the time includes the CLI's second of quiet before it hangs up); every guest is asked after every {any?.CheckEvery} starts and once more at the end. Guests are started one at a time, each waited for until `HOSPES-READY`. The run stops at the first start hospesd refuses (admission control), at a start that fails otherwise, when a guest does not answer or its QEMU ends, when the cgroup records an OOM kill (`memory.oom_control`) or MemAvailable (of the cgroup when there is one: limit − usage + inactive page cache) falls under {any?.SafetyMib} MiB (a safety net against the OOM killer on a host without swap; it is not where admission control is expected to stop), or when the time budget is spent. Before each run KSM is reset to the host's default (`run` 0, `pages_to_scan` 100, `sleep_millisecs` 20) so that hospesd finds it off and switches and tunes it itself; KSM is sampled every 2 s during the run. Policy actions are counted from hospesd's log (`NAME: balloon FROM -> TO MiB (REASON)`).");
    return md.ToString();

    void Row(string what, Func<DensityResult, string> cell) => md.AppendLine($"| {what} | " + string.Join(" | ", results.Select(cell)) + " |");

    static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}

/// <summary>Set by Ctrl-C: the benchmark stops at the next step and cleans up.</summary>
internal static class Interrupt
{
    private static volatile bool s_requested;

    public static bool Requested
    {
        get => s_requested;
        set => s_requested = value;
    }

    public static void ThrowIfRequested()
    {
        if (s_requested)
        {
            throw new OperationCanceledException("interrupted");
        }
    }
}

/// <summary>
/// The memory section of docs/benchmarks.md holds two parts, each written by its own mode:
/// &lt;!-- memory-overhead:begin/end --&gt; and &lt;!-- memory-density:begin/end --&gt;, inside &lt;!-- memory:begin/end --&gt;.
/// </summary>
internal static class MemorySection
{
    public static void Write(string path, string part, string body)
    {
        string text = File.ReadAllText(path);
        if (!text.Contains($"<!-- {part}:begin -->", StringComparison.Ordinal))
        {
            const string End = "<!-- memory:end -->";
            int at = part == "memory-overhead" && text.Contains("<!-- memory-density:begin -->", StringComparison.Ordinal)
                ? text.IndexOf("<!-- memory-density:begin -->", StringComparison.Ordinal)
                : text.IndexOf(End, StringComparison.Ordinal);
            if (at < 0 || !text.Contains("<!-- memory:begin -->", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path} has no <!-- memory:begin --> ... {End} section");
            }

            text = text[..at] + $"<!-- {part}:begin -->\n<!-- {part}:end -->\n" + text[at..];
            File.WriteAllText(path, text);
        }

        Docs.ReplaceSection(path, part, body);
    }
}
