namespace Hospes.Config.Syntax;

internal sealed record ListValue(IReadOnlyList<ConfigValue> Items, SourceLocation Location, string Text) : ConfigValue(Location, Text);
