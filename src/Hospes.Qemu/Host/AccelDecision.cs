using Hospes.Core.Vms;

namespace Hospes.Qemu.Host;

/// <summary>Which accelerator "auto" means on this host, and why (shown by `hospes host info`).</summary>
public sealed record AccelDecision
{
    public required Accelerator Chosen { get; init; }
    public required string Reason { get; init; }
    public bool KvmDevicePresent { get; init; }
    public double? KvmProbeSeconds { get; init; }
    public double? TcgProbeSeconds { get; init; }
    public DateTimeOffset ProbedAt { get; init; }

    /// <summary>What the cached result is valid for: boot id, QEMU binary identity, /dev/kvm presence.</summary>
    public string CacheKey { get; init; } = "";
}
