namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// The fence guard's decisions (unit-tested): the deadline hospesd writes for it, and whom it kills. The guard is a
/// process of its own (`hospesd --fence-guard`), so a hung or killed hospesd no longer leaves the HA QEMUs unfenced.
/// </summary>
internal static class FenceGuardDecisions
{
    /// <summary>
    /// The guard fires this long after hospesd's own fence would: while hospesd runs, its fence acts first (with its
    /// events and its bookkeeping); the guard is the backstop. The leader moves nothing before the lease's TTL (10 s)
    /// plus its margin after the last acknowledged renewal, so a guard kill at F + 1 s still has 6.5 s to take effect.
    /// </summary>
    public static readonly TimeSpan Lag = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The deadline on the guard's clock: now + F + <see cref="Lag"/> − the time since the last acknowledged liveness
    /// signal (today `ClusterMembership.SinceAcknowledged`, the send time of the last acknowledged renewal); the one place
    /// that turns that interval into the guard's deadline.
    /// </summary>
    public static long Deadline(long nowMs, TimeSpan sinceAcknowledged, TimeSpan fenceAfter) =>
        nowMs + (long)(fenceAfter + Lag - sinceAcknowledged).TotalMilliseconds;

    /// <summary>
    /// Only an acknowledged renewal of this hospesd may move the deadline later: a hospesd restarted after kill -9 times
    /// from its own start until its first renewal, while the lease its predecessor renewed runs on; it keeps the
    /// deadline it found (<paramref name="found"/>) until then.
    /// </summary>
    public static long Next(long? found, long proposed, bool acknowledged) =>
        acknowledged || found is not { } kept ? proposed : Math.Min(kept, proposed);

    /// <summary>
    /// Whom the guard kills now: nobody before the deadline; past it each listed QEMU that still lives with its recorded
    /// start time (<paramref name="startOf"/>: the start time of a live pid, null when gone or a zombie) and was not
    /// killed already.
    /// </summary>
    public static IReadOnlyList<GuardedQemu> Victims(FenceGuardOrders? orders, long nowMs, Func<int, long?> startOf, IReadOnlySet<(int Pid, long Start)> killed) =>
        orders is null || nowMs < orders.DeadlineMs
            ? []
            : [.. orders.Qemus.Where(q => !killed.Contains((q.Pid, q.Start)) && startOf(q.Pid) == q.Start)];

    /// <summary>
    /// Field 22 of a /proc/PID/stat line (the start time, clock ticks after boot); null for a zombie or dead process
    /// or a line that does not parse. The command name (field 2) may hold spaces and parentheses: fields are counted
    /// after its last ')'.
    /// </summary>
    public static long? StartTime(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (the state), so field 22 is fields[19].
        return fields.Length > 19 && fields[0] is not ("Z" or "X") && long.TryParse(fields[19], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long start)
            ? start
            : null;
    }
}
