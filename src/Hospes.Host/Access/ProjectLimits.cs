namespace Hospes.Host.Access;

/// <summary>A project's limits; null is no limit. Memory and vCPUs count running VMs, VMs count defined ones.</summary>
internal sealed record ProjectLimits(int? Vms = null, long? MemoryMiB = null, int? Vcpus = null)
{
    public static ProjectLimits None { get; } = new();
}

/// <summary>
/// What a project uses now: its defined VMs, and the memory and vCPUs of those running. In a cluster's view
/// <see cref="VmsByHost"/> says where its VMs are (and <see cref="Vms"/> counts them all), <see cref="MemoryByHost"/>
/// and <see cref="VcpusByHost"/> where its running VMs' memory and vCPUs are (and the totals count every host).
/// </summary>
internal sealed record ProjectUsage(int Vms, long MemoryMiB, int Vcpus, IReadOnlyDictionary<string, int>? VmsByHost = null)
{
    public IReadOnlyDictionary<string, long>? MemoryByHost { get; init; }

    public IReadOnlyDictionary<string, int>? VcpusByHost { get; init; }
}

/// <summary>A project as stored.</summary>
internal sealed record ProjectRecord(string Name, ProjectLimits Limits, DateTimeOffset CreatedAt);
