namespace Hospes.Host.Memory;

/// <summary>A VM with a QEMU as admission counts it: the file its RAM is in (a fork's, or null), what QEMU was given, what it holds privately.</summary>
internal readonly record struct Commitment(string? RamFile, long BootedBytes, long? PrivateBytes)
{
    /// <summary>A fork maps its fork point's RAM file privately: its own pages are only those it wrote (copy-on-write).</summary>
    public bool IsFork => State.ForkFiles.IsForkRam(RamFile);
}

/// <summary>
/// What forks really cost (issue 16). A fork maps the RAM its fork point left in a file on tmpfs privately: the pages
/// it only reads are that file's, in memory once for all forks of it; what the fork itself holds is its QEMU's
/// anonymous memory (the pages it wrote, copied on write, and QEMU's own heap and translation cache), its
/// smaps_rollup "Anonymous". So a fork is committed at that, and each fork file once at its size; every other VM at
/// the RAM QEMU was given. 75 forks of a 256 MiB guest thus commit about 75 × what each wrote + 256 MiB, not 75 × 256.
/// KSM stays useful: what forks wrote alike it can still merge, and their anonymous memory shrinks with it.
/// </summary>
internal static class ForkCosts
{
    /// <summary>What a fork is counted at before any fork here was measured: QEMU and its TCG translation cache, measured at about 40 MiB.</summary>
    public const long FirstGuessBytes = 64L << 20;

    /// <summary>Headroom over the median of running forks, for a fork about to start (it will write a little more than an idle one).</summary>
    private const double Headroom = 1.25;

    /// <summary>
    /// What a fork about to start (or not yet sampled) is counted at: the median private memory of the forks measured
    /// here, + 25 %, else <see cref="FirstGuessBytes"/>; never more than its RAM.
    /// </summary>
    public static long Estimate(IEnumerable<Commitment> running, long bootedBytes) => Math.Min(bootedBytes, Guess(running));

    private static long Guess(IEnumerable<Commitment> running)
    {
        long[] measured = [.. running.Where(c => c.IsFork && c.PrivateBytes > 0).Select(c => c.PrivateBytes!.Value).Order()];
        return measured.Length > 0 ? (long)(measured[measured.Length / 2] * Headroom) : FirstGuessBytes;
    }

    /// <summary>The memory committed to <paramref name="running"/>: forks at their private memory (or the estimate) and each fork file once; others at their RAM.</summary>
    public static long Committed(IReadOnlyList<Commitment> running)
    {
        long total = 0;
        var files = new HashSet<string>(StringComparer.Ordinal);
        long? guess = null;
        foreach (Commitment c in running)
        {
            if (!c.IsFork)
            {
                total += c.BootedBytes;
                continue;
            }

            if (files.Add(c.RamFile!))
            {
                total += c.BootedBytes;
            }

            if (c.PrivateBytes is { } own and > 0)
            {
                total += Math.Min(own, c.BootedBytes);
            }
            else
            {
                guess ??= Guess(running);
                total += Math.Min(c.BootedBytes, guess.Value);
            }
        }

        return total;
    }

    /// <summary>
    /// What admitting <paramref name="starting"/> adds to <paramref name="running"/>: a fork its estimate, and its file's
    /// size when no running VM maps that file yet and no fork of it is starting (<paramref name="fileStarting"/>, which
    /// brought the file already); any other VM its RAM.
    /// </summary>
    public static long Adds(IReadOnlyList<Commitment> running, Commitment starting, bool fileStarting = false)
    {
        if (!starting.IsFork)
        {
            return starting.BootedBytes;
        }

        bool fileCounted = fileStarting || running.Any(c => string.Equals(c.RamFile, starting.RamFile, StringComparison.Ordinal));
        return Estimate(running, starting.BootedBytes) + (fileCounted ? 0 : starting.BootedBytes);
    }
}
