using Hospes.Qemu.Qmp;

namespace Hospes.Host.Memory;

/// <summary>How a guest's balloon stands, as `hospes top` shows it.</summary>
public enum BalloonState
{
    /// <summary>No QEMU runs.</summary>
    Off,

    /// <summary>QEMU runs; the guest has not loaded its balloon driver (yet).</summary>
    NoDriver,

    /// <summary>The driver runs and follows targets.</summary>
    Active,

    /// <summary>The driver runs but did not reach its target in time: reported, and left alone by the policy.</summary>
    Unresponsive,
}

/// <summary>One guest's memory as hospesd last saw it; MiB unless named otherwise.</summary>
internal sealed record VmMemoryState
{
    public static readonly VmMemoryState None = new();

    /// <summary>The RAM QEMU was started with (the most the guest can have until it starts again).</summary>
    public int? BootedMib { get; init; }

    /// <summary>The balloon target now: the VM's memory, or less while the policy holds it down.</summary>
    public int? TargetMib { get; init; }

    /// <summary>When the target last changed; a driver that has not reached it after a while is unresponsive.</summary>
    public DateTimeOffset TargetSetAt { get; init; }

    /// <summary>Why the target is below the VM's memory (a policy action), or null.</summary>
    public string? PolicyReason { get; init; }

    public long? ActualBytes { get; init; }

    public BalloonStats? Stats { get; init; }

    public BalloonDriver? Driver { get; init; }

    public bool Unresponsive { get; init; }

    public long? HostRssBytes { get; init; }

    public long? HostPssBytes { get; init; }

    /// <summary>Its QEMU's anonymous memory (smaps_rollup): what it holds of its own. For a fork, the pages it wrote (copy-on-write) and QEMU's own.</summary>
    public long? HostPrivateBytes { get; init; }

    public double? CpuPercent { get; init; }

    /// <summary>Process CPU seconds and when they were read, for the next CPU % figure.</summary>
    public double CpuSeconds { get; init; }

    public DateTimeOffset SampledAt { get; init; }

    public BalloonState Balloon => BootedMib is null ? BalloonState.Off
        : Unresponsive ? BalloonState.Unresponsive
        : Driver is { Ready: true } ? BalloonState.Active
        : BalloonState.NoDriver;

    /// <summary>
    /// What the guest uses and cannot give back: total less available, less the balloon. (With deflate-on-oom the
    /// guest's kernel still counts ballooned pages in its total, as allocated; without it, the total shrinks instead.)
    /// </summary>
    public long? GuestUsedBytes
    {
        get
        {
            if (Stats is not { TotalBytes: { } total, AvailableBytes: { } available })
            {
                return null;
            }

            long balloon = BootedMib is { } booted && ActualBytes is { } actual ? Math.Max(0, (booted * Mib) - actual) : 0;
            long inTotal = ActualBytes is { } a && total > a ? Math.Min(balloon, total - available) : 0;
            return Math.Max(0, total - available - inTotal);
        }
    }

    private const long Mib = 1024 * 1024;
}
