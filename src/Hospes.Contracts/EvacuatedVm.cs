namespace Hospes.Contracts;

/// <summary>One VM of an evacuation or restore: where it went, or why it did not.</summary>
public sealed record EvacuatedVm
{
    public required string Vm { get; init; }

    /// <summary>The host it runs on now (a VM that moved).</summary>
    public string? To { get; init; }

    /// <summary>Why it did not move, stop or start.</summary>
    public string? Why { get; init; }
}
