namespace Hospes.Config.Syntax;

/// <param name="Value">The decoded string (quotes and escapes removed).</param>
internal sealed record StringValue(string Value, SourceLocation Location, string Text) : ConfigValue(Location, Text)
{
    /// <summary>
    /// Written without quotes ("memory = lots"): an error, reported by whoever reads the value so the
    /// message can fit the key (not a number, or missing quotes).
    /// </summary>
    public bool Unquoted { get; init; }
}
