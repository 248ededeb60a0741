using System.Globalization;
using System.Text.RegularExpressions;

namespace Hospes.Config.Reading.Pci;

/// <summary>PCI addresses as configs write them: DDDD:BB:DD.F, BB:DD.F, and the BB.DD.F of old configs.</summary>
internal static partial class PciAddress
{
    /// <summary>Normalizes to DDDD:BB:DD.F ("06.02.0" becomes "0000:06:02.0"); returns what is wrong, or null.</summary>
    public static string? TryNormalize(string text, out string normalized)
    {
        normalized = "";
        Match match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return text.Trim().EndsWith(".*", StringComparison.Ordinal)
                ? "names all functions ('*'); list each function, e.g. '0000:06:02.0', '0000:06:02.1'"
                : "is not a PCI address; write DDDD:BB:DD.F or BB:DD.F, e.g. '0000:06:02.0'";
        }

        int domain = match.Groups["domain"].Success ? Hex(match.Groups["domain"].Value) : 0;
        int bus = Hex(match.Groups["bus"].Value);
        int device = Hex(match.Groups["device"].Value);
        int function = Hex(match.Groups["function"].Value);
        if (device > 0x1f)
        {
            return $"has device number {device:x2}; PCI devices go up to 1f";
        }

        normalized = string.Create(CultureInfo.InvariantCulture, $"{domain:x4}:{bus:x2}:{device:x2}.{function:x1}");
        return null;
    }

    private static int Hex(string text) => int.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:(?<domain>[0-9a-fA-F]{1,4}):)?(?<bus>[0-9a-fA-F]{1,2})[:.](?<device>[0-9a-fA-F]{1,2})\.(?<function>[0-7])$")]
    private static partial Regex Pattern();
}
