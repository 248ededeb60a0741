using System.Globalization;

namespace Hospes.Integration.Tests.Support;

/// <summary>QEMU processes as /proc shows them, found by a path in their command line.</summary>
internal static class Qemus
{
    public static IReadOnlyList<int> WithArgument(string fragment) => WithArgument(fragment, "/usr/bin/qemu-system");

    /// <summary>Processes whose command line starts with <paramref name="program"/> and holds <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<int> WithArgument(string fragment, string program)
    {
        var pids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(program, StringComparison.Ordinal) && cmdline.Contains(fragment, StringComparison.Ordinal) && IsAlive(pid))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return pids;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static void Kill(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            p.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    public static async Task WaitGoneAsync(int pid, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (IsAlive(pid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"process {pid} is still alive after {limit.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
