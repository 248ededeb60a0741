using Hospes.Core.Errors;

namespace Hospes.Storage.CloudInit;

/// <summary>Finds a host tool on PATH before it is run, so a missing one is reported with the package that provides it.</summary>
internal static class HostTool
{
    /// <summary>The tool's full path, or an error naming the Debian package to install.</summary>
    public static Result<string> Find(string tool, string package, string purpose)
    {
        string path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } p ? p : "/usr/sbin:/usr/bin:/sbin:/bin";
        // root's PATH has the sbin directories; a service's may not, and mkfs.* live there.
        foreach (string dir in path.Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool)))
            {
                return Path.Combine(dir, tool);
            }
        }

        return HospesError.Unavailable($"{tool} is not installed; {purpose} needs it: apt-get install {package}");
    }

    /// <summary>Every tool in <paramref name="tools"/> (name, package), or one error listing all that are missing.</summary>
    public static Result<IReadOnlyDictionary<string, string>> FindAll(IEnumerable<(string Tool, string Package)> tools, string purpose)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<(string Tool, string Package)>();
        foreach ((string tool, string package) in tools)
        {
            Result<string> one = Find(tool, package, purpose);
            if (one.IsOk)
            {
                found[tool] = one.Value;
            }
            else
            {
                missing.Add((tool, package));
            }
        }

        if (missing.Count == 0)
        {
            return found;
        }

        string names = string.Join(", ", missing.Select(m => m.Tool));
        string packages = string.Join(' ', missing.Select(m => m.Package).Distinct(StringComparer.Ordinal));
        return HospesError.Unavailable($"{names} not installed; {purpose} needs them: apt-get install {packages}");
    }
}
