namespace Hospes.Storage.Bootloader;

/// <summary>Builds a kernel command line from a menu's words.</summary>
internal static class KernelArgs
{
    /// <summary>Joins with single spaces; a word holding a space is quoted, as the kernel's parser expects.</summary>
    public static string Join(IEnumerable<string> words) =>
        string.Join(' ', words.Where(w => w.Length > 0).Select(w => w.Contains(' ', StringComparison.Ordinal) ? Quote(w) : w));

    // "acpi_osi=Windows 2009" becomes acpi_osi="Windows 2009": the kernel strips quotes around values.
    private static string Quote(string word)
    {
        int eq = word.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? $"{word[..(eq + 1)]}\"{word[(eq + 1)..]}\"" : $"\"{word}\"";
    }
}
