using System.Globalization;

namespace Hospes.Bench.Memory;

/// <summary>/sys/kernel/mm/ksm: read, and reset to the host's default before a density run (hospesd then manages it).</summary>
internal sealed record KsmState(string Run, long PagesToScan, long SleepMs, long PagesSharing, long PagesShared)
{
    private const string Dir = "/sys/kernel/mm/ksm";

    public double SavedMib => PagesSharing * 4.0 / 1024;

    public string RunText => Run switch
    {
        "0" => "0 (stopped)",
        "1" => "1 (running)",
        "2" => "2 (unmerge)",
        _ => Run,
    };

    public static KsmState Read() => !Directory.Exists(Dir)
        ? new KsmState("absent", 0, 0, 0, 0)
        : new KsmState(Text("run"), Number("pages_to_scan"), Number("sleep_millisecs"), Number("pages_sharing"), Number("pages_shared"));

    /// <summary>
    /// KSM as a host boots with it: stopped, 100 pages per 20 ms. Whatever ran before (a test daemon killed before it
    /// could restore KSM) may have left it on, and hospesd leaves a KSM it finds running to the administrator.
    /// run = 0 stops ksmd but keeps pages already merged (they are freed with their QEMUs).
    /// </summary>
    public static void ResetToDefault()
    {
        if (!Directory.Exists(Dir))
        {
            return;
        }

        File.WriteAllText(Path.Combine(Dir, "run"), "0");
        File.WriteAllText(Path.Combine(Dir, "pages_to_scan"), "100");
        File.WriteAllText(Path.Combine(Dir, "sleep_millisecs"), "20");
    }

    private static string Text(string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(Dir, file)).Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static long Number(string file) => long.TryParse(Text(file), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;
}
