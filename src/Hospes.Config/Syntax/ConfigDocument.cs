namespace Hospes.Config.Syntax;

/// <param name="Settings">Every statement that parsed, in order (a key may appear twice).</param>
/// <param name="BrokenKeys">Keys whose statement had a syntax error, so "missing key" errors are not piled on top.</param>
internal sealed record ConfigDocument(IReadOnlyList<ConfigSetting> Settings, IReadOnlySet<string> BrokenKeys);
