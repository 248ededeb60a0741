namespace Hospes.Contracts;

/// <summary>`hospes mem-set` and `hospes mem-max`: a size in MiB.</summary>
public sealed record MemorySizeRequest
{
    public int Mib { get; init; }
}

/// <summary>`hospes host memory`: the host's memory and what hospesd has promised of it. MiB unless named otherwise.</summary>
public sealed record HostMemoryInfo
{
    /// <summary>RAM, or the memory limit of hospesd's cgroup when that is lower.</summary>
    public long TotalMib { get; init; }
    public long AvailableMib { get; init; }
    public long FreeMib { get; init; }
    public long? CgroupLimitMib { get; init; }

    /// <summary>The memory of every VM that has a QEMU (their targets as configured, not what the policy holds them at).</summary>
    public long CommittedMib { get; init; }
    public double OvercommitRatio { get; init; }

    /// <summary>Committed memory may not pass this: total × ratio.</summary>
    public long CommitLimitMib { get; init; }

    /// <summary>Committed ÷ total, as now.</summary>
    public double CommittedRatio { get; init; }

    /// <summary>What the host keeps for itself; below it, the host is under memory pressure.</summary>
    public long ReserveMib { get; init; }
    public bool Pressure { get; init; }

    /// <summary>PSI: share of the last 10 s in which some task waited for memory, percent.</summary>
    public double? PsiSomeAvg10 { get; init; }

    /// <summary>off or balance.</summary>
    public required string Policy { get; init; }

    /// <summary>Sum of the VMs' QEMU resident memory (RSS) and proportional memory (PSS, shared pages counted once).</summary>
    public long GuestsRssMib { get; init; }
    public long GuestsPssMib { get; init; }
    public int VmsRunning { get; init; }
    public required KsmInfo Ksm { get; init; }

    /// <summary>Free page reporting: running guests whose driver hands freed pages back, of all running guests.</summary>
    public int FreePageReportingGuests { get; init; }
}

/// <summary>Kernel samepage merging as the host has it.</summary>
public sealed record KsmInfo
{
    /// <summary>on, off or unavailable.</summary>
    public required string State { get; init; }

    /// <summary>auto (hospesd switches it) or off (hospesd leaves it alone).</summary>
    public required string Mode { get; init; }

    /// <summary>Whether hospesd switched it on (and will restore the host's setting when no guests share pages).</summary>
    public bool ManagedByHospes { get; init; }
    public long PagesShared { get; init; }
    public long PagesSharing { get; init; }
    public long SavedMib { get; init; }
    public long PagesToScan { get; init; }
    public long SleepMs { get; init; }
    public long FullScans { get; init; }
}

/// <summary>One VM's memory, as `hospes top` shows it. MiB unless named otherwise.</summary>
public sealed record VmMemoryInfo
{
    public required string Name { get; init; }
    public required string State { get; init; }

    /// <summary>The VM's memory: the balloon target it gets when the host has room (mem-set changes it).</summary>
    public int MemoryMib { get; init; }
    public int MaxMemoryMib { get; init; }

    /// <summary>RAM QEMU was started with; null when it does not run.</summary>
    public int? BootedMib { get; init; }

    /// <summary>The balloon's target now; below memory while the policy holds it down.</summary>
    public int? TargetMib { get; init; }

    /// <summary>What the guest has now (the booted RAM less the balloon).</summary>
    public long? ActualMib { get; init; }

    /// <summary>The guest's own view: used (not free, not reclaimable cache), free, available (free + reclaimable).</summary>
    public long? GuestUsedMib { get; init; }
    public long? GuestFreeMib { get; init; }
    public long? GuestAvailableMib { get; init; }
    public long? GuestCacheMib { get; init; }

    /// <summary>Seconds since the guest last sent statistics.</summary>
    public double? StatsAgeS { get; init; }
    public long? HostRssMib { get; init; }
    public long? HostPssMib { get; init; }
    public double? CpuPercent { get; init; }

    /// <summary>off, no-driver, active or unresponsive.</summary>
    public required string Balloon { get; init; }
    public bool FreePageReporting { get; init; }

    /// <summary>Why the target is below memory, when the policy set it.</summary>
    public string? PolicyReason { get; init; }
}

/// <summary>One thing the memory policy did.</summary>
public sealed record MemoryAction
{
    public DateTimeOffset At { get; init; }
    public required string Vm { get; init; }
    public int FromMib { get; init; }
    public int ToMib { get; init; }
    public required string Reason { get; init; }
}

/// <summary>`hospes top`: the host, every VM with a QEMU, and the policy's recent actions.</summary>
public sealed record TopInfo
{
    /// <summary>Null for a caller without Sys.Audit on the host.</summary>
    public HostMemoryInfo? Host { get; init; }
    public required IReadOnlyList<VmMemoryInfo> Vms { get; init; }
    public required IReadOnlyList<MemoryAction> Actions { get; init; }
}
