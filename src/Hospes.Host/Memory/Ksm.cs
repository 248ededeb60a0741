using System.Globalization;

namespace Hospes.Host.Memory;

/// <summary>KSM as the kernel reports it. Saved memory is pages_sharing pages: that many guest pages need no own frame.</summary>
public sealed record KsmStatus(bool Available, bool Running, long PagesToScan, long SleepMs, long PagesShared, long PagesSharing, long FullScans)
{
    public long SavedBytes => PagesSharing * Environment.SystemPageSize;
}

/// <summary>/sys/kernel/mm/ksm: read its counters, switch it on and off, set its scan rate.</summary>
public sealed class Ksm(string dir = "/sys/kernel/mm/ksm")
{
    public bool Available => File.Exists(Path.Combine(dir, "run"));

    public KsmStatus Read()
    {
        if (!Available)
        {
            return new KsmStatus(false, false, 0, 0, 0, 0, 0);
        }

        return new KsmStatus(true, Number("run") == 1, Number("pages_to_scan"), Number("sleep_millisecs"), Number("pages_shared"), Number("pages_sharing"), Number("full_scans"));
    }

    /// <summary>Writes one knob; returns why it failed (a read-only /sys in a container), or null.</summary>
    public string? Write(string knob, long value)
    {
        try
        {
            File.WriteAllText(Path.Combine(dir, knob), value.ToString(CultureInfo.InvariantCulture));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {Path.Combine(dir, knob)}: {e.Message}";
        }
    }

    private long Number(string knob)
    {
        try
        {
            return long.TryParse(File.ReadAllText(Path.Combine(dir, knob)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
