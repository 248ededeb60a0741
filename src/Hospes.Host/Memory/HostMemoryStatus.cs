using Hospes.Host.Settings;

namespace Hospes.Host.Memory;

/// <summary>The host's memory and what hospesd has promised of it, in bytes.</summary>
internal sealed record HostMemoryStatus
{
    public required HostMemorySample Host { get; init; }

    public required MemorySettings Settings { get; init; }

    /// <summary>The memory of every VM that has a QEMU (their memory as configured, not what the policy holds them at), and of VMs starting.</summary>
    public long CommittedBytes { get; init; }

    /// <summary>Committed memory may not pass this: total × overcommit ratio.</summary>
    public long CommitLimitBytes { get; init; }

    public long ReserveBytes { get; init; }

    public int VmsRunning { get; init; }

    /// <summary>Sum of the running VMs' QEMU resident memory (RSS) and proportional memory (PSS).</summary>
    public long GuestsRssBytes { get; init; }

    public long GuestsPssBytes { get; init; }

    /// <summary>Running guests whose balloon driver hands freed pages back.</summary>
    public int FreePageReportingGuests { get; init; }

    public required KsmStatus Ksm { get; init; }

    /// <summary>hospesd switched KSM on and will restore the host's setting.</summary>
    public bool KsmManaged { get; init; }

    /// <summary>Below the reserve, the host is under memory pressure.</summary>
    public bool Pressure => Host.AvailableBytes < ReserveBytes;

    /// <summary>Committed ÷ total, to two places.</summary>
    public double CommittedRatio => Host.TotalBytes > 0 ? Math.Round(CommittedBytes / (double)Host.TotalBytes, 2) : 0;
}
