namespace Hospes.Contracts;

/// <summary>A project: what owns VMs, templates, disks and networks, its limits and what it uses of them.</summary>
public sealed record ProjectInfo
{
    public required string Name { get; init; }
    public required ProjectLimitsInfo Limits { get; init; }
    public required ProjectUsageInfo Usage { get; init; }

    /// <summary>What it holds, each as "vm web", "template base", "disk data", "network lab".</summary>
    public IReadOnlyList<string> Objects { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A project's limits; null is no limit. Memory and vCPUs count running VMs, VMs count defined ones.</summary>
public sealed record ProjectLimitsInfo
{
    public int? Vms { get; init; }
    public long? MemoryMib { get; init; }
    public int? Vcpus { get; init; }
}

/// <summary>What a project uses: its defined VMs, and the memory and vCPUs of those running.</summary>
public sealed record ProjectUsageInfo
{
    /// <summary>Its defined VMs; in a cluster, on every host (the limit holds for the whole cluster).</summary>
    public int Vms { get; init; }

    /// <summary>Its running VMs' memory (balloon targets); in a cluster, on every host.</summary>
    public long MemoryMib { get; init; }

    /// <summary>Its running VMs' vCPUs; in a cluster, on every host.</summary>
    public int Vcpus { get; init; }

    /// <summary>In a cluster: its VMs on each host (by host name); null on a host in no cluster.</summary>
    public IReadOnlyDictionary<string, int>? VmsByHost { get; init; }

    /// <summary>In a cluster: its running VMs' memory (MiB) on each host that runs any; null on a host in no cluster.</summary>
    public IReadOnlyDictionary<string, long>? MemoryByHost { get; init; }

    /// <summary>In a cluster: its running VMs' vCPUs on each host that runs any; null on a host in no cluster.</summary>
    public IReadOnlyDictionary<string, int>? VcpusByHost { get; init; }
}

/// <summary>`hospes project create NAME [--limit ...]`.</summary>
public sealed record ProjectCreateRequest
{
    public required string Name { get; init; }
    public ProjectLimitsInfo? Limits { get; init; }
}

/// <summary>`hospes project set NAME --limit ...`: the limits given replace those there; <see cref="Unset"/> removes some.</summary>
public sealed record ProjectSetRequest
{
    public ProjectLimitsInfo? Limits { get; init; }

    /// <summary>Limits to remove: vms, memory, vcpus.</summary>
    public IReadOnlyList<string> Unset { get; init; } = [];
}
