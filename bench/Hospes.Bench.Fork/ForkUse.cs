namespace Hospes.Bench.Fork;

/// <summary>What one round of forks took: wall time to every console answering, and what each fork's QEMU costs the host.</summary>
internal sealed record ForkUse(double Seconds, double PssMib, double AnonMib, double IdleCpuPercent)
{
    /// <summary>CPU seconds each QEMU used from its start until the idle window (restore, answers, identity, clock): mean.</summary>
    public double CpuSecondsEach { get; init; }

    /// <summary>CPU seconds hospesd used from the fork command until every fork answered and settled (Hospes rounds only).</summary>
    public double DaemonCpuSeconds { get; init; }

    /// <summary>How many guests the figures are of (the cold-boot anchor may start fewer than asked).</summary>
    public int Count { get; init; }

    /// <summary>Why some were not started (the host's memory), or null.</summary>
    public string? Refused { get; init; }
}

/// <summary>What one QEMU holds, from /proc/PID/smaps_rollup (KiB).</summary>
internal sealed record Rollup(long PssKib, long AnonKib, long PrivateDirtyKib)
{
    public static Rollup? Of(int pid)
    {
        try
        {
            long pss = 0, anon = 0, dirty = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    pss = Hospes.Testing.Bench.ProcFs.SecondField(line);
                }
                else if (line.StartsWith("Anonymous:", StringComparison.Ordinal))
                {
                    anon = Hospes.Testing.Bench.ProcFs.SecondField(line);
                }
                else if (line.StartsWith("Private_Dirty:", StringComparison.Ordinal))
                {
                    dirty = Hospes.Testing.Bench.ProcFs.SecondField(line);
                }
            }

            return new Rollup(pss, anon, dirty);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds (user + system) a process has used, from /proc/PID/stat.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Mean PSS, anonymous memory (MiB) and idle CPU (% of a core over <paramref name="idle"/>) of <paramref name="pids"/>.</summary>
    public static async Task<(double PssMib, double AnonMib, double IdleCpuPercent)> MeasureAsync(IReadOnlyList<int> pids, TimeSpan idle)
    {
        (double pss, double anon, double cpu, _) = await MeasureAllAsync(pids, idle);
        return (pss, anon, cpu);
    }

    /// <summary>As <see cref="MeasureAsync"/>, and the mean CPU seconds each QEMU had used before the idle window.</summary>
    public static async Task<(double PssMib, double AnonMib, double IdleCpuPercent, double CpuSecondsEach)> MeasureAllAsync(IReadOnlyList<int> pids, TimeSpan idle)
    {
        var rollups = pids.Select(Of).OfType<Rollup>().ToList();
        double[] before = [.. pids.Select(CpuSeconds)];
        await Task.Delay(idle);
        double used = pids.Select((p, i) => CpuSeconds(p) - before[i]).Sum();
        return (rollups.Average(r => r.PssKib) / 1024, rollups.Average(r => r.AnonKib) / 1024, used / pids.Count / idle.TotalSeconds * 100, before.Average());
    }
}
