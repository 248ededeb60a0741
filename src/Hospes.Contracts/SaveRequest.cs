namespace Hospes.Contracts;

public sealed record SaveRequest
{
    /// <summary>Absolute path of the save file on the daemon's host.</summary>
    public required string Path { get; init; }
}
