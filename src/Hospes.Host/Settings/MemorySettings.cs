namespace Hospes.Host.Settings;

/// <summary>What the balloon policy does: nothing, or shift memory from idle guests to the host under pressure.</summary>
public enum MemoryPolicyMode
{
    Off,
    Balance,
}

/// <summary>Whether hospesd switches KSM on when guests that can share pages run.</summary>
public enum KsmMode
{
    Auto,
    Off,
}

/// <summary>hospesd's memory settings (`memory.*` in hospesd.conf, `--memory-*` flags).</summary>
public sealed record MemorySettings
{
    /// <summary>
    /// Committed memory (the `memory` of every running guest) may reach this many times the host's RAM.
    /// 2.0 is oVirt's "desktop load" preset and the seeds' labs ran at 2.8: idle guests use a fraction of their memory,
    /// free page reporting hands the rest back, and the working-set check below refuses what the host cannot hold now.
    /// </summary>
    public double OvercommitRatio { get; init; } = 2.0;

    public MemoryPolicyMode Policy { get; init; } = MemoryPolicyMode.Balance;

    /// <summary>
    /// What the host keeps for itself, in MiB: a start must leave this much available, and the policy reclaims from
    /// guests when availability falls below it. Null: 5 % of the host's RAM, at least 512 MiB and at most 2 GiB.
    /// </summary>
    public int? ReserveMib { get; init; }

    /// <summary>
    /// Off by default (#20): merging pages across guests lets one guest time or flip bits in another's memory; auto
    /// is for hosts whose guests all belong to one owner.
    /// </summary>
    public KsmMode Ksm { get; init; } = KsmMode.Off;

    /// <summary>How often guests report their memory statistics and the policy looks at them.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public long ReserveBytes(long hostTotalBytes) =>
        ReserveMib is { } mib ? mib * Mib : Math.Clamp(hostTotalBytes / 20, 512 * Mib, 2048 * Mib);

    private const long Mib = 1024 * 1024;
}
