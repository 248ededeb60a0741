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

    /// <summary>
    /// The pass numbers the checker printed, in order: each one confirmed by a neighbour (the line before says n-1 or
    /// the line after n+1). QEMU's console log can hold a character twice (seen in a full run: one byte in about 276
    /// while the console's reader lagged; QEMU logs a byte its socket refused with EAGAIN and again when the serial port
    /// sends it anew), so "pass 1350" can read "pass 11350": a lone number like that is not a pass.
    /// </summary>
    public static IReadOnlyList<int> Passes(string console)
    {
        int[] raw = [.. PassLine().Matches(console).Select(m => int.TryParse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : -1)];
        if (raw.Length == 1)
        {
            return raw[0] >= 0 ? raw : [];
        }

        return [.. raw.Where((n, i) => n >= 0 && ((i > 0 && raw[i - 1] == n - 1) || (i + 1 < raw.Length && raw[i + 1] == n + 1)))];
    }

    /// <summary>
    /// Waits until the checker of <paramref name="vm"/> printed pass <paramref name="pass"/> or a later one (read as
    /// <see cref="Passes"/> reads, so a line with a doubled character does not hide it); the console log.
    /// </summary>
    public static async Task<string> WaitForPassAsync(Daemon d, string vm, int pass, TimeSpan? limit = null)
    {
        TimeSpan wait = limit ?? TimeSpan.FromSeconds(90);
        DateTime deadline = DateTime.UtcNow + wait;
        string path = (await d.InfoAsync(vm)).ConsoleLog ?? throw new InvalidOperationException($"{vm} has no console log");
        while (true)
        {
            string log = await ConsoleFile.ReadAsync(path);
            if (Passes(log).Any(p => p >= pass))
            {
                return log;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{vm}: memcheck pass {pass} not on the console after {wait.TotalSeconds} s; console:\n{log}\nhospesd log:\n{d.LogTail(200)}");
            }

            await Task.Delay(100);
        }
    }

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
