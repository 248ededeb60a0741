namespace Hospes.Config.Syntax;

/// <summary>One "key = value" statement.</summary>
internal sealed record ConfigSetting(string Key, SourceLocation KeyLocation, ConfigValue Value);
