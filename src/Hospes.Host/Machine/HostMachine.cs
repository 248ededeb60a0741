using System.Globalization;

namespace Hospes.Host.Machine;

/// <summary>Facts about the physical host read from /proc.</summary>
internal static class HostMachine
{
    public static int CpuCount => Environment.ProcessorCount;

    public static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>MemTotal and MemAvailable in MiB.</summary>
    public static (long TotalMib, long AvailableMib) Memory()
    {
        long total = 0, available = 0;
        foreach (string line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kib(line) / 1024;
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kib(line) / 1024;
            }
        }

        return (total, available);
    }

    public static string KernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return Environment.OSVersion.VersionString;
        }
    }

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
