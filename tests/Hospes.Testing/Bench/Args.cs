using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hospes.Testing.Bench;

/// <summary>A benchmark's options: `--name value` pairs anywhere on its command line.</summary>
public static class Args
{
    [SuppressMessage("Naming", "CA1720", Justification = "Int and Str name the kind of value an option holds, as the benchmarks read them.")]
    public static int Int(string[] args, string name, int fallback) =>
        Str(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string? Str(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
