using System.Text.Json.Serialization;
using Hospes.Contracts.Vms;

namespace Hospes.Contracts;

/// <summary>
/// One event of `GET /v1/events` (a JSON line, or a server-sent event's data): a VM's state, its definition or removal,
/// a long operation's progress, a memory policy action, or "lagged" when this stream lost events. Fields a type does not
/// use are left out.
/// </summary>
public sealed record HostEvent
{
    /// <summary>vm.defined, vm.state, vm.removed, vm.renamed, progress, memory.balloon, memory.ksm or lagged (<see cref="HostEventTypes"/>).</summary>
    public required string Type { get; init; }

    public DateTimeOffset Time { get; init; }

    /// <summary>The host's running number of the event (a server-sent event's id); 0 on a lagged event.</summary>
    public long Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Vm { get; init; }

    /// <summary>vm.renamed: the name the VM had (<see cref="Vm"/> is its name now).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OldVm { get; init; }

    /// <summary>The VM's (or the object's) project.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Project { get; init; }

    /// <summary>The VM's state now (vm.state, vm.defined, vm.removed).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VmState? State { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VmState? OldState { get; init; }

    /// <summary>vm.state: command, guest, crash or hospesd; vm.removed: deleted, migrated or dropped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Why { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    /// <summary>progress: clone or migrate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Operation { get; init; }

    /// <summary>progress: the step (clone: created, ready, failed, done; migrate: check, storage, progress, postcopy, switchover, done, failed).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Phase { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Done { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Total { get; init; }

    /// <summary>What done and total count: vms or bytes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Unit { get; init; }

    /// <summary>
    /// The cluster-wide stream (`?cluster=true`): the member the event came from; on a lagged event, the member whose
    /// events may have been missed (its stream dropped, came back, or its host went), or none for this stream's own lag.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Host { get; init; }

    /// <summary>lagged: how many events this stream lost because it read too slowly.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Dropped { get; init; }
}
