namespace Hospes.Host.Machine;

/// <summary>The event stream's types; the wire uses the same words.</summary>
internal static class HostEventTypes
{
    public const string VmDefined = "vm.defined";
    public const string VmState = "vm.state";
    public const string VmRemoved = "vm.removed";

    /// <summary>A VM got another name (xl rename): Vm is the new name, OldVm the one it had.</summary>
    public const string VmRenamed = "vm.renamed";
    public const string Progress = "progress";
    public const string MemoryBalloon = "memory.balloon";
    public const string MemoryKsm = "memory.ksm";

    /// <summary>HA in a cluster (issue 17): leader taken or lost, a VM fenced, moved, started again, dropped.</summary>
    public const string ClusterHa = "cluster.ha";

    /// <summary>Told to one subscriber only: it read too slowly and lost the oldest events.</summary>
    public const string Lagged = "lagged";

    public static IReadOnlyList<string> All { get; } = [VmDefined, VmState, VmRemoved, VmRenamed, Progress, MemoryBalloon, MemoryKsm, ClusterHa, Lagged];
}
