namespace Hospes.Storage.QemuImg;

/// <summary>The outcome of <c>qemu-img check</c> on an image that could be opened.</summary>
public sealed record CheckResult
{
    /// <summary>No corruptions, leaks or check errors were found (and the format supports checks).</summary>
    public required bool Clean { get; init; }

    /// <summary>False for formats without a consistency check (raw); then nothing was checked.</summary>
    public bool Supported { get; init; } = true;

    /// <summary>Metadata errors: data may be lost or wrong. Repair with <c>qemu-img check -r all</c>.</summary>
    public int Corruptions { get; init; }

    /// <summary>Allocated clusters nothing refers to: wasted space only.</summary>
    public int Leaks { get; init; }

    /// <summary>Errors that stopped the check itself (e.g. I/O errors).</summary>
    public int CheckErrors { get; init; }

    /// <summary>qemu-img's own report (stderr), which names each problem found.</summary>
    public string Message { get; init; } = "";

    /// <summary>One line for reports: "2 corruptions, 1 leaked cluster" or "clean".</summary>
    public string Summary
    {
        get
        {
            if (!Supported)
            {
                return "the format has no consistency check";
            }

            var parts = new List<string>();
            Add(parts, Corruptions, "corruption", "corruptions");
            Add(parts, Leaks, "leaked cluster", "leaked clusters");
            Add(parts, CheckErrors, "check error", "check errors");
            return parts.Count == 0 ? "clean" : string.Join(", ", parts);
        }
    }

    private static void Add(List<string> parts, int count, string one, string many)
    {
        if (count > 0)
        {
            parts.Add($"{count} {(count == 1 ? one : many)}");
        }
    }
}
