using System.Diagnostics;
using System.Globalization;

namespace Hospes.Testing;

/// <summary>Host processes as /proc shows them (QEMUs, dnsmasq, hospesd), found by a path in their command line.</summary>
public static class HostProcesses
{
    /// <summary>The QEMUs (as hospesd starts them, /usr/bin/qemu-system-*) whose command line holds <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<int> WithArgument(string fragment) => WithArgument(fragment, "/usr/bin/qemu-system");

    /// <summary>Live processes (this one aside) whose command line holds both <paramref name="program"/> and <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<int> WithArgument(string fragment, string program)
    {
        var pids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
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
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    /// <summary>False once the process is gone or a zombie.</summary>
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

    /// <summary>SIGKILL; nothing when the process is already gone.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Waits until the process is gone; throws when it is still alive after <paramref name="limit"/>.</summary>
    public static async Task WaitGoneAsync(int pid, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"process {pid} is still alive after {limit.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills every process <see cref="WithArgument(string, string)"/> finds, then waits up to 10 s for each to go.</summary>
    public static async Task KillAllAsync(string fragment, string program)
    {
        IReadOnlyList<int> pids = WithArgument(fragment, program);
        foreach (int pid in pids)
        {
            Kill(pid);
        }

        foreach (int pid in pids)
        {
            await WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
        }
    }
}
