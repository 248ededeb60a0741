namespace Hospes.Cli.Remotes;

/// <summary>remotes.json: the remotes by name, and the one commands go to when none is named (null: the unix socket).</summary>
internal sealed record RemotesFile
{
    public string? Current { get; init; }

    public SortedDictionary<string, RemoteEntry> Remotes { get; init; } = new(StringComparer.Ordinal);
}
