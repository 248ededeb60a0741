using System.Globalization;

namespace Hospes.Core.Units;

/// <summary>Sizes as people read them, for the host's messages (clients parse what people write: Hospes.Client.Units).</summary>
public static class ByteSize
{
    /// <summary>1536 → "1.5 KiB"; whole units without decimals.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int i = 0;
        while (value >= 1024 && i < units.Length - 1)
        {
            value /= 1024;
            i++;
        }

        return value == Math.Floor(value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0} {units[i]}")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[i]}");
    }
}
