namespace Hospes.Config.Syntax;

/// <summary>A value on the right of '='.</summary>
/// <param name="Text">The raw source text, for messages.</param>
internal abstract record ConfigValue(SourceLocation Location, string Text);
