namespace Hospes.Contracts;

public sealed record TemplateInfo
{
    public required string Name { get; init; }

    /// <summary>The project it belongs to.</summary>
    public string Project { get; init; } = "default";
    public string? SourceVm { get; init; }
    public int MemoryMib { get; init; }
    public int Vcpus { get; init; }
    public string? ReadyMarker { get; init; }
    public IReadOnlyList<VolumeInfo> Disks { get; init; } = [];

    /// <summary>VMs whose disks are overlays on this template's disks.</summary>
    public IReadOnlyList<string> Clones { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A template of running state: a VM frozen at a fork point (`template create --running`, `fork --freeze`); `clone --instant` forks it.</summary>
    public bool Running { get; init; }

    /// <summary>In a cluster: a copy of this member host's template, made for clones placed here; deleted with that one, replaced when it changes.</summary>
    public string? CopiedFrom { get; init; }

    /// <summary>A copy whose home deleted its template while linked clones here stand on it: kept for them, no clones are made from it.</summary>
    public bool CopyOfDeleted { get; init; }
}
