namespace Hospes.Contracts;

/// <summary>`hospes group add GROUP USER`.</summary>
public sealed record GroupMemberRequest
{
    public required string User { get; init; }
}
