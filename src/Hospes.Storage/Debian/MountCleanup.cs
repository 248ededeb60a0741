using System.Text;
using Hospes.Core.Errors;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Debian;

/// <summary>
/// debootstrap mounts /proc, /sys (and in some containers /dev) inside its target and unmounts them when it exits. If it
/// is killed (a cancelled build), they stay mounted, and deleting the work directory would descend into the host's /sys
/// or /dev. So every mount under the work directory is unmounted before it is deleted.
/// </summary>
public static class MountCleanup
{
    /// <summary>Mount points at or under <paramref name="directory"/>, deepest first.</summary>
    public static IReadOnlyList<string> MountsUnder(string directory, string mountInfo = "/proc/self/mountinfo")
    {
        string prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + "/";
        IEnumerable<string> points = File.ReadLines(mountInfo)
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => Unescape(f[4]));
        return [.. points.Where(p => (p + "/").StartsWith(prefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).OrderByDescending(p => p.Length)];
    }

    /// <summary>Unmounts everything under <paramref name="directory"/>; an error if something stays mounted.</summary>
    public static async Task<HospesError?> UnmountUnderAsync(string directory)
    {
        foreach (string point in MountsUnder(directory))
        {
            // Lazy: a process still holding files there must not keep the work directory alive. Not cancellable on purpose.
            await ToolRunner.RunAsync("umount", ["--lazy", point], null, CancellationToken.None).ConfigureAwait(false);
        }

        IReadOnlyList<string> left = MountsUnder(directory);
        return left.Count == 0 ? null : HospesError.State(
            $"cannot unmount {string.Join(", ", left)}; unmount them by hand before deleting {directory}");
    }

    /// <summary>Unmounts, then deletes; leaves the directory in place if anything is still mounted in it.</summary>
    public static async Task<HospesError?> DeleteAsync(string directory)
    {
        HospesError? stuck = await UnmountUnderAsync(directory).ConfigureAwait(false);
        if (stuck is null)
        {
            TempDirectory.TryDelete(directory);
        }

        return stuck;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
