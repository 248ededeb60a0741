namespace Hospes.Config.Syntax;

internal sealed record NumberValue(long Number, SourceLocation Location, string Text) : ConfigValue(Location, Text);
