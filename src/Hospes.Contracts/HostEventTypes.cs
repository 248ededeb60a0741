namespace Hospes.Contracts;

/// <summary>The types of <see cref="HostEvent"/>; `?type=` takes them, or their first word (vm, memory) for all of it.</summary>
public static class HostEventTypes
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
    public const string Lagged = "lagged";

    public static IReadOnlyList<string> All { get; } = [VmDefined, VmState, VmRemoved, VmRenamed, Progress, MemoryBalloon, MemoryKsm, ClusterHa, Lagged];
}
