using System.Globalization;
using System.Text;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Migration;

internal static class Report
{
    /// <summary>Nearest-rank percentile.</summary>
    public static double Pct(IReadOnlyList<double> v, double p)
    {
        double[] s = [.. v.Order()];
        return s.Length == 0 ? double.NaN : s[Math.Clamp((int)Math.Ceiling(p / 100 * s.Length) - 1, 0, s.Length - 1)];
    }

    private static string Ms(double v) => double.IsNaN(v) ? "–" : v.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string S(double v) => double.IsNaN(v) ? "–" : (v / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string Markdown(List<GuestResult> results, string load, string qemu, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {qemu}, two hospesd on loopback (127.0.0.1); load average before the run: {load}, after: {Machine.LoadAverage()}; the whole run took {elapsed.TotalMinutes:0.0} min.");
        md.AppendLine();
        md.AppendLine("| guest (memcheck dirtying) | settings | converged | downtime p50 / p95 / max | QEMU's downtime p50 | total time p50 / p95 | MiB sent p50 | passes p50 |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (GuestResult r in results)
        {
            string guest = $"{r.GuestMib} MiB ({r.DirtyMib} MiB per 1 s pass)";
            md.AppendLine(Row(guest, "Hospes (defaults of `hospes migrate`)", r.Hospes));
            if (r.Defaults.Count > 0)
            {
                md.AppendLine(Row(guest, "QEMU's defaults (`--qemu-defaults --timeout 30`)", r.Defaults));
            }
            else
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {guest} | QEMU's defaults | not run ({(r.DefaultsSkipped ? "time budget" : "run stopped")}) | | | | | |");
            }
        }

        md.AppendLine();
        foreach (GuestResult r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r.GuestMib} MiB guest: memcheck on the console of the host where it ended ({r.EndedOn}, last pass {r.LastPass}): {(r.Stale ? "**memcheck STALE found** (a lost write)" : "no `memcheck STALE`")}. Downtimes per run (ms): {string.Join(", ", r.Hospes.Select(m => m.Ok ? m.DowntimeMs?.ToString("0", CultureInfo.InvariantCulture) ?? "?" : "failed"))}; totals (ms): {string.Join(", ", r.Hospes.Select(m => m.TotalMs.ToString("0", CultureInfo.InvariantCulture)))}.");
            foreach (MigrationRun f in r.Hospes.Concat(r.Defaults).Where(m => !m.Ok).Take(4))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"  - failed after {f.WallMs / 1000:0.0} s: {f.Error}");
            }
        }

        md.AppendLine();
        md.AppendLine(Targets(results));
        return md.ToString();
    }

    private static string Row(string guest, string settings, List<MigrationRun> runs)
    {
        var ok = runs.Where(m => m.Ok).ToList();
        List<double> dt = [.. ok.Where(m => m.DowntimeMs is not null).Select(m => m.DowntimeMs!.Value)];
        List<double> qdt = [.. ok.Where(m => m.QemuDowntimeMs is not null).Select(m => m.QemuDowntimeMs!.Value)];
        List<double> tt = [.. ok.Select(m => m.TotalMs)];
        List<double> mib = [.. ok.Select(m => m.Bytes / 1048576.0)];
        List<double> passes = [.. ok.Select(m => (double)m.Passes)];
        string conv = $"{ok.Count}/{runs.Count}";
        var failed = runs.Where(m => !m.Ok).ToList();
        if (failed.Count > 0)
        {
            var expected = failed.Select(m => m.ExpectedDowntimeMs).Where(v => v is not null).Select(v => v!.Value).ToList();
            conv += $"; {failed.Count} did not converge in {Pct([.. failed.Select(m => m.WallMs)], 50) / 1000:0} s" +
                (expected.Count > 0 ? $" (expected downtime at the end {string.Join(", ", expected.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))} ms)" : "");
        }

        return $"| {guest} | {settings} | {conv} | {Ms(Pct(dt, 50))} / {Ms(Pct(dt, 95))} / {Ms(dt.Count > 0 ? dt.Max() : double.NaN)} | {Ms(Pct(qdt, 50))} | {S(Pct(tt, 50))} / {S(Pct(tt, 95))} | {(mib.Count > 0 ? Pct(mib, 50).ToString("0", CultureInfo.InvariantCulture) : "–")} | {(passes.Count > 0 ? Pct(passes, 50).ToString("0", CultureInfo.InvariantCulture) : "–")} |";
    }

    private static string Targets(List<GuestResult> results)
    {
        var lines = new List<string>();
        foreach (GuestResult r in results)
        {
            var ok = r.Hospes.Where(m => m.Ok).ToList();
            double p95 = Pct([.. ok.Where(m => m.DowntimeMs is not null).Select(m => m.DowntimeMs!.Value)], 95);
            string l = $"{r.GuestMib} MiB: p95 downtime {Ms(p95)} ({(p95 <= 50 ? "met" : "**not met**")}, target ≤ 50 ms); converged {ok.Count}/{r.Hospes.Count} ({(ok.Count == r.Hospes.Count && ok.Count > 0 ? "met" : "**not met**")})";
            if (r.GuestMib == 256)
            {
                double t = Pct([.. ok.Select(m => m.TotalMs)], 50), t95 = Pct([.. ok.Select(m => m.TotalMs)], 95);
                l += $"; total time p50 {S(t)}, p95 {S(t95)} ({(t95 <= 2000 ? "met" : t <= 2000 ? "met at p50, not at p95" : "**not met**")}, target ≤ 2 s)";
            }

            lines.Add("- " + l + ".");
        }

        return "Targets (p95 downtime ≤ 50 ms on loopback, every run converges, 256 MiB total ≤ 2 s):\n" + string.Join('\n', lines);
    }
}
