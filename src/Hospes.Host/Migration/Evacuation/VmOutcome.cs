namespace Hospes.Host.Migration.Evacuation;

/// <summary>One VM of an evacuation or restore: where it went, or why not.</summary>
internal sealed record VmOutcome
{
    public required string Vm { get; init; }

    public string? To { get; init; }

    public string? Why { get; init; }
}
