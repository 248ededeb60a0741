namespace Hospes.Config;

/// <summary>A config file's text and the path it was read from.</summary>
/// <param name="FilePath">
/// Absolute or relative; shown as given in messages. Relative paths inside the file resolve against
/// this file's folder.
/// </param>
public sealed record XenConfigSource(string Text, string FilePath)
{
    /// <summary>"key=value" settings applied after the file, like <c>xm create web.cfg memory=512</c>.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
}
