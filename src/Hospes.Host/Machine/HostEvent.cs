using Hospes.Core.Vms;

namespace Hospes.Host.Machine;

/// <summary>
/// Something that happened on this host, as the event stream tells it: a VM's state, its definition or removal, a long
/// operation's progress, a memory policy action. One shape for all (<see cref="Type"/> says which), so a subscriber's
/// queue is one channel and the wire's record a plain mapping.
/// </summary>
internal sealed record HostEvent
{
    /// <summary>One of <see cref="HostEventTypes"/>.</summary>
    public required string Type { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The hub's running number (1, 2, ...), in publish order; 0 until published.</summary>
    public long Seq { get; init; }

    /// <summary>The VM it is about; null for the host's own events.</summary>
    public string? Vm { get; init; }

    public Guid? VmUuid { get; init; }

    /// <summary>vm.renamed: the name the VM had.</summary>
    public string? OldVm { get; init; }

    /// <summary>The VM's project when the publisher knows it; null: the edge asks who owns the VM now.</summary>
    public string? Project { get; init; }

    /// <summary>Another object it is about, as an ACL path names it ("templates", "tmpl"): a clone run's template.</summary>
    public (string Collection, string Name)? Object { get; init; }

    public VmState? State { get; init; }

    public VmState? OldState { get; init; }

    /// <summary>command, guest, crash or hospesd (what changed a VM's state); deleted, migrated or dropped (why it went).</summary>
    public string? Why { get; init; }

    public string? Message { get; init; }

    /// <summary>The long operation (clone, migrate) and its phase (created, ready, failed, done; check, storage, progress, switchover...).</summary>
    public string? Operation { get; init; }

    public string? Phase { get; init; }

    public long? Done { get; init; }

    public long? Total { get; init; }

    /// <summary>What <see cref="Done"/> and <see cref="Total"/> count: vms, bytes, MiB.</summary>
    public string? Unit { get; init; }

    /// <summary>On a lagged event: how many events this subscriber lost.</summary>
    public long Dropped { get; init; }
}
