namespace Hospes.Contracts;

/// <summary>`hospes user set`: only what is given changes.</summary>
public sealed record UserUpdateRequest
{
    public bool? Enabled { get; init; }

    /// <summary>A new end; see <see cref="NeverExpires"/> to remove it.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>True: the user no longer expires (excludes <see cref="ExpiresAt"/>).</summary>
    public bool NeverExpires { get; init; }

    public string? Password { get; init; }
}
