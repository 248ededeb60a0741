namespace Hospes.Contracts;

/// <summary>`hospes whoami`: who hospesd takes the caller for, and (given a path) what it may do there.</summary>
public sealed record WhoamiInfo
{
    /// <summary>The user (a token's user; the unix user of a local admin).</summary>
    public required string User { get; init; }

    /// <summary>alice, alice!ci, or root (unix socket).</summary>
    public required string Display { get; init; }

    /// <summary>unix-socket (root or group hospes-admin: admin everywhere), user (password or certificate) or token.</summary>
    public required string Authentication { get; init; }

    /// <summary>The token's name, when it is a token.</summary>
    public string? Token { get; init; }

    public bool PrivilegeSeparated { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The path asked about (?path=), if any.</summary>
    public string? Path { get; init; }

    /// <summary>What the caller may do on <see cref="Path"/>.</summary>
    public IReadOnlyList<string>? Privileges { get; init; }
}
