namespace Hospes.Contracts;

/// <summary>A Xen config file's text, where it came from, and key=value overrides.</summary>
public sealed record ConfigRequest
{
    public required string Config { get; init; }

    /// <summary>Absolute path of the file on the daemon's host; relative paths in the file resolve against its folder.</summary>
    public required string ConfigPath { get; init; }
    public IReadOnlyList<string> Overrides { get; init; } = [];
}
