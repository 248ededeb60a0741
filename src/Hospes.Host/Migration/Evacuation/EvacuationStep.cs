namespace Hospes.Host.Migration.Evacuation;

/// <summary>
/// One step of an evacuation: cordoned, left, migrating (a VM and its destination), migration (a step of its
/// migration), moved, stopped, failed; a forwarded run ends with done (with <see cref="Result"/>) or error.
/// </summary>
internal sealed record EvacuationStep
{
    public required string Event { get; init; }

    public string? Vm { get; init; }

    public string? To { get; init; }

    public string? Phase { get; init; }

    public long? Done { get; init; }

    public long? Total { get; init; }

    public string? Message { get; init; }

    public EvacuationResult? Result { get; init; }
}
