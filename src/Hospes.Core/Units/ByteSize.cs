using System.Globalization;
using Hospes.Core.Errors;

namespace Hospes.Core.Units;

/// <summary>Sizes as people write them (8G, 512M, 4GiB, 1048576) and as they read them.</summary>
public static class ByteSize
{
    /// <summary>Parses a size; a bare number is bytes, suffixes K/M/G/T are powers of 1024 (as qemu-img takes them).</summary>
    public static Result<long> Parse(string text, string what)
    {
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
            return HospesError.Invalid($"{what} '{text}' is not a size; write it as bytes or with K, M, G or T (e.g. 8G, 512M)");
        }

        decimal bytes = number * (1L << shift);
        if (bytes <= 0 || bytes > long.MaxValue / 2)
        {
            return HospesError.Invalid($"{what} '{text}' is out of range; give a size above zero, e.g. 8G");
        }

        return (long)Math.Ceiling(bytes);
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
