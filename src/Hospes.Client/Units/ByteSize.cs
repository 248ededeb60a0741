using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hospes.Client.Units;

/// <summary>Sizes as people write them (8G, 512M, 4GiB, 1048576) and as they read them.</summary>
public static class ByteSize
{
    /// <summary>Reads a size; a bare number is bytes, suffixes K/M/G/T are powers of 1024 (as qemu-img takes them).</summary>
    /// <param name="what">Names the size in the message, e.g. "--size".</param>
    public static bool TryParse(string text, string what, out long bytes, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        string t = text.Trim();
        int end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.'))
        {
            end++;
        }

        string unit = t[end..].Trim().ToUpperInvariant().Replace("IB", "", StringComparison.Ordinal).TrimEnd('B');
        int shift = unit switch
        {
            "" => 0,
            "K" => 10,
            "M" => 20,
            "G" => 30,
            "T" => 40,
            _ => -1,
        };
        if (end == 0 || shift < 0 || !decimal.TryParse(t[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
        {
            error = $"{what} '{text}' is not a size; write it as bytes or with K, M, G or T (e.g. 8G, 512M)";
            return false;
        }

        decimal exact = number * (1L << shift);
        if (exact <= 0 || exact > long.MaxValue / 2)
        {
            error = $"{what} '{text}' is out of range; give a size above zero, e.g. 8G";
            return false;
        }

        bytes = (long)Math.Ceiling(exact);
        error = null;
        return true;
    }

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
