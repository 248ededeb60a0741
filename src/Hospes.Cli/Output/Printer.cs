using System.Globalization;
using System.Text.Json;
using Hospes.Contracts;

namespace Hospes.Cli.Output;

/// <summary>Writes results as text for people or JSON for scripts.</summary>
internal static class Printer
{
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, WireJson.Indented));

    /// <summary>"key: value" lines with the keys aligned, skipping empty values.</summary>
    public static void Fields(IEnumerable<(string Key, object? Value)> fields)
    {
        var list = fields.Where(f => f.Value is not null && f.Value.ToString() != "").ToList();
        int width = list.Count == 0 ? 0 : list.Max(f => f.Key.Length);
        foreach ((string key, object? value) in list)
        {
            Console.Out.WriteLine($"{(key + ":").PadRight(width + 1)} {Format(value)}");
        }
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.0", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
