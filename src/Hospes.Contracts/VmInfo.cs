using Hospes.Contracts.Vms;

namespace Hospes.Contracts;

/// <summary>One VM as `hospes list` and `hospes info` show it.</summary>
public sealed record VmInfo
{
    public required string Name { get; init; }

    /// <summary>The project it belongs to.</summary>
    public string Project { get; init; } = "default";
    public Guid Uuid { get; init; }

    /// <summary>Domain id of the current run (as xl's ID); null while the VM has no QEMU.</summary>
    public int? Id { get; init; }
    public int MemoryMib { get; init; }
    public int MaxMemoryMib { get; init; }
    public int Vcpus { get; init; }
    public VmState State { get; init; }

    /// <summary>xl's six state letters: r(unning) b(locked) p(aused) s(hutdown) c(rashed) d(ying).</summary>
    public string Flags { get; init; } = "------";

    /// <summary>Host CPU seconds used by the VM's QEMU in its current run.</summary>
    public double CpuTimeS { get; init; }
    public int? Pid { get; init; }
    public string? Machine { get; init; }
    public string? Accel { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public int CrashCount { get; init; }
    public string? LastError { get; init; }
    public string? SavePath { get; init; }
    public string? ConsoleLog { get; init; }
    public VmSpecDto? Spec { get; init; }

    /// <summary>The host it runs on (defined on): this host's name for its own VMs, the owner's in a cluster.</summary>
    public string? Host { get; init; }

    /// <summary>In a cluster: its host is down (or did not answer), so <see cref="State"/> is unknown.</summary>
    public bool HostDown { get; init; }

    /// <summary>The cluster whose list this VM came in (a cluster-wide `hospes list`); null outside one.</summary>
    public string? Cluster { get; init; }
}
