using Hospes.Core.Vms;

namespace Hospes.Host.State;

/// <summary>A template: the spec its clones get, whose disks point at the template's read-only volumes.</summary>
internal sealed record TemplateRecord
{
    public required string Name { get; init; }
    public required VmSpec Spec { get; init; }
    public string? SourceVm { get; init; }

    /// <summary>What the guest prints on its console when it is up (HOSPES-READY, login:); clone --start waits for it.</summary>
    public string? ReadyMarker { get; init; }

    /// <summary>The project it belongs to (issue 14; "default" unless created in another).</summary>
    public string Project { get; init; } = StateDb.DefaultProject;
    public DateTimeOffset CreatedAt { get; init; }
}
