using System.Text.RegularExpressions;

namespace Hospes.Testing;

/// <summary>
/// Guests/memcheck.c, built static with the host's gcc, on a raw disk of its own: the tiny guest copies it from
/// /dev/vda with dd (no filesystem needed) and runs it in the background, its passes on the console.
/// </summary>
public static partial class MemCheck
{
    private static readonly Lazy<string> Binary = new(Build);

    /// <summary>A raw disk holding the checker, in <paramref name="dir"/>; attach it as the guest's first disk (vda).</summary>
    public static string Disk(string dir)
    {
        string disk = Path.Combine(dir, "memcheck.raw");
        File.Copy(Binary.Value, disk);
        using var f = new FileStream(disk, FileMode.Open);
        f.SetLength((f.Length + 511) / 512 * 512);
        return disk;
    }

    /// <summary>The console command that copies the checker out of vda and starts it over <paramref name="mib"/> MiB.</summary>
    public static string Start(int mib, int intervalMs = 50) =>
        $"dd if=/dev/vda of=/tmp/memcheck bs=512 count={new FileInfo(Binary.Value).Length / 512 + 1} 2>/dev/null; chmod +x /tmp/memcheck; (/tmp/memcheck {mib} {intervalMs} &)";

    /// <summary>The pass numbers the checker printed, in order.</summary>
    public static IReadOnlyList<int> Passes(string console) =>
        [.. PassLine().Matches(console).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    public static bool FoundStale(string console) => console.Contains("memcheck STALE", StringComparison.Ordinal);

    private static string Build()
    {
        string source = Path.Combine(Repo.Root, "tests", "Hospes.Testing", "Guests", "memcheck.c");
        string dir = Directory.CreateTempSubdirectory("hit-memcheck-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        string output = Path.Combine(dir, "memcheck");
        CliResult gcc = Run.ProcessAsync("gcc", ["-static", "-O2", "-Wall", "-Werror", "-o", output, source]).GetAwaiter().GetResult();
        return gcc.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"gcc could not build the guest's memory checker (setup.sh installs gcc and libc6-dev): {gcc.Stderr}");
    }

    [GeneratedRegex(@"memcheck pass (\d+) t=")]
    private static partial Regex PassLine();
}
