namespace Hospes.Host.Memory;

/// <summary>A guest as the balance policy sees it: its balloon follows targets and it reports statistics.</summary>
/// <param name="TargetMib">Its balloon target now.</param>
/// <param name="CeilingMib">The most the policy gives it: its memory, at most what it booted with.</param>
/// <param name="FloorMib">The least: what it uses plus a margin.</param>
/// <param name="ActualBytes">What the guest has now; above the target while the balloon still inflates.</param>
/// <param name="AvailableBytes">What the guest could hand out (free + reclaimable cache), by its own statistics.</param>
internal sealed record PolicyGuest(string Name, int TargetMib, int CeilingMib, int FloorMib, long ActualBytes, long AvailableBytes);

/// <summary>One balloon move the policy decided.</summary>
internal sealed record PolicyMove(string Name, int FromMib, int ToMib, string Reason);

/// <summary>What one policy round decided, and the state it carries into the next round.</summary>
internal sealed record PolicyPlan(IReadOnlyList<PolicyMove> Moves, int CalmRounds, long UnrelievedBytes);

/// <summary>
/// The balance policy's decisions, without IO. Under pressure (available below the reserve): shrink the balloons of
/// the guests with the most memory above their floor, toward a point halfway between the reserve and the give-back
/// line, counting what balloons still inflating will free and never squeezing a guest that has not reached its last
/// target. Otherwise give memory back: first to guests that run short themselves, then, once the host has been above
/// the give-back line for a few rounds, to every guest the policy held down, step by step.
/// </summary>
internal static class BalancePlanner
{
    /// <summary>Rounds above the give-back line before memory flows back, so a brief recovery does not flap balloons.</summary>
    public const int CalmRoundsBeforeGiveBack = 3;

    private const long Mib = 1024 * 1024;

    /// <summary>Where giving back starts: the reserve plus a quarter of it, 256 MiB to 1 GiB.</summary>
    public static long GiveBackLine(long reserve) => reserve + Math.Clamp(reserve / 4, 256 * Mib, 1024 * Mib);

    public static PolicyPlan Plan(long available, long reserve, int calmRounds, IReadOnlyList<PolicyGuest> guests)
    {
        long giveBackLine = GiveBackLine(reserve);
        var moves = new List<PolicyMove>();
        if (available < reserve)
        {
            long inflating = guests.Sum(g => Math.Max(0, g.ActualBytes - (g.TargetMib * Mib)));
            long need = ((reserve + giveBackLine) / 2) - available - inflating;
            string reason = $"host memory low: {available / Mib} MiB available, reserve {reserve / Mib} MiB";
            foreach (PolicyGuest g in guests.Where(g => !Moving(g)).OrderByDescending(Reclaimable))
            {
                long step = Math.Min(Math.Min(Reclaimable(g), need), Math.Max(64 * Mib, g.TargetMib * Mib / 4));
                if (need <= 0 || step < 16 * Mib)
                {
                    continue;
                }

                int to = g.TargetMib - (int)(step / Mib);
                moves.Add(new PolicyMove(g.Name, g.TargetMib, to, reason));
                need -= (g.TargetMib - to) * Mib;
            }

            bool settling = guests.Any(Moving);
            return new PolicyPlan(moves, 0, need > 0 && !settling ? need : 0);
        }

        calmRounds = available > giveBackLine ? calmRounds + 1 : 0;
        long budget = available - reserve;
        foreach (PolicyGuest g in guests.Where(g => g.TargetMib < g.CeilingMib).OrderBy(g => g.AvailableBytes))
        {
            bool shortOfMemory = g.AvailableBytes < Math.Max(32 * Mib, g.TargetMib * Mib / 8);
            bool calm = calmRounds >= CalmRoundsBeforeGiveBack;
            int step = Math.Min(g.CeilingMib - g.TargetMib, Math.Max(64, g.CeilingMib / 4));

            // A guest short of memory may use the host's room above its reserve; a calm give-back only the room above the line.
            long room = shortOfMemory ? budget : budget - (giveBackLine - reserve);
            if (!(shortOfMemory || calm) || step * Mib > room)
            {
                continue;
            }

            string reason = shortOfMemory
                ? $"guest short of memory: {g.AvailableBytes / Mib} MiB available in it"
                : $"host memory recovered: {available / Mib} MiB available";
            moves.Add(new PolicyMove(g.Name, g.TargetMib, g.TargetMib + step, reason));
            budget -= step * Mib;
        }

        return new PolicyPlan(moves, calmRounds, 0);
    }

    /// <summary>True while the balloon is still on its way to the target.</summary>
    private static bool Moving(PolicyGuest g) => Math.Abs(g.ActualBytes - (g.TargetMib * Mib)) > 8 * Mib;

    private static long Reclaimable(PolicyGuest g) => Math.Max(0, (long)(g.TargetMib - g.FloorMib) * Mib);
}
