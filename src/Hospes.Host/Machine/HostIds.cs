using System.Globalization;
using System.Runtime.InteropServices;

namespace Hospes.Host.Machine;

/// <summary>Which uids and gids the host already uses: its users and groups, and the owners of running processes.</summary>
internal static class HostIds
{
    /// <summary>True when a user or a group of the host (passwd, group, or any NSS source) has this number.</summary>
    public static bool IsKnown(int id) => GetPwUid((uint)id) != IntPtr.Zero || GetGrGid((uint)id) != IntPtr.Zero;

    /// <summary>The real and effective uids and gids of every process now running.</summary>
    public static HashSet<int> OfProcesses()
    {
        var ids = new HashSet<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(dir)[0]))
            {
                continue;
            }

            try
            {
                foreach (string line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (line.StartsWith("Uid:", StringComparison.Ordinal) || line.StartsWith("Gid:", StringComparison.Ordinal))
                    {
                        foreach (string n in line[4..].Split('\t', StringSplitOptions.RemoveEmptyEntries).Take(2))
                        {
                            if (long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id <= int.MaxValue)
                            {
                                ids.Add((int)id);
                            }
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return ids;
    }

    // Only whether an entry exists is read, never the (static, shared) struct the pointer leads to.
    [DllImport("libc", EntryPoint = "getpwuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetPwUid(uint uid);

    [DllImport("libc", EntryPoint = "getgrgid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr GetGrGid(uint gid);
}
