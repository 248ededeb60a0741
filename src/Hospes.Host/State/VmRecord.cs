using Hospes.Core.Vms;

namespace Hospes.Host.State;

/// <summary>One VM as the state DB holds it: its spec plus what hospesd knows of its current run.</summary>
internal sealed record VmRecord
{
    public required VmSpec Spec { get; init; }
    public VmState State { get; init; } = VmState.Shutoff;
    public int? DomId { get; init; }
    public int? Pid { get; init; }

    /// <summary>microvm or q35, and kvm or tcg, of the current run.</summary>
    public string? Machine { get; init; }
    public string? Accel { get; init; }
    public string? SavePath { get; init; }
    public string? LastError { get; init; }
    public int CrashCount { get; init; }

    /// <summary>The uid (and gid) this VM's QEMU runs as, from `qemu.uids`; kept so the VM keeps it from one start to the next.</summary>
    public int? QemuUid { get; init; }

    /// <summary>
    /// The RAM file this VM's QEMU maps: its own shared one (forkable), or a fork's, mapped privately; for a VM saved at
    /// a fork point, the file its save needs (the save holds the device state only). The file lives while any VM names it.
    /// </summary>
    public string? RamFile { get; init; }

    /// <summary>The project it belongs to (issue 14; "default" unless created in another).</summary>
    public string Project { get; init; } = StateDb.DefaultProject;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }

    public Guid Uuid => Spec.Uuid;

    public string Name => Spec.Name;
}
