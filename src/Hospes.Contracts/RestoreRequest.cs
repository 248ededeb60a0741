namespace Hospes.Contracts;

public sealed record RestoreRequest
{
    public required string Path { get; init; }

    /// <summary>Leave the guest paused after restoring (as `xl restore -p`).</summary>
    public bool Paused { get; init; }
}
