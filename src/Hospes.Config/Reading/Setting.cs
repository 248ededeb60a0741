using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>A converted value and where it came from, for later messages.</summary>
internal readonly record struct Setting<T>(T Value, ConfigValue Source)
{
    /// <summary>The value as the file wrote it ("0x3").</summary>
    public string Text() => Source.Text;
}
