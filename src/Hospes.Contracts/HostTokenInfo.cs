namespace Hospes.Contracts;

/// <summary>`hospes host token`: a one-time join token for `hospes host add` on another host.</summary>
public sealed record HostTokenInfo
{
    public required string Token { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }
}
