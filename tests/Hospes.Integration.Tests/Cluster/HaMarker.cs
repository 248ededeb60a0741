using System.Diagnostics;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The HA tests' proof that a guest runs once: in the guest a writer puts its boot's random id and a counter ("M BOOT N ")
/// in the first sector of its disk (in the shared folder) every 0.2 s; the test reads the disk from outside. Classes take these with `using static`.
/// </summary>
internal static class HaMarker
{
    /// <summary>Starts the writer in the background in <paramref name="vm"/> on <paramref name="d"/>.</summary>
    public static Task<string> StartWriterAsync(Daemon d, string vm = "ha1") => GuestShell.RunAsync(d, vm,
        "(b=$RANDOM$RANDOM$RANDOM; i=0; while true; do i=$((i+1)); echo \"M $b $i \" | dd of=/dev/vda bs=512 count=1 conv=sync 2>/dev/null; sync; sleep 0.2; done &)", TimeSpan.FromSeconds(60));

    /// <summary>The marker in the disk's first sector ("M BOOT N "), or "".</summary>
    public static string Marker(string disk)
    {
        using var f = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[64];
        int n = f.Read(buffer);
        string text = System.Text.Encoding.ASCII.GetString(buffer, 0, n).TrimEnd('\0');
        return text.StartsWith("M ", StringComparison.Ordinal) ? text.Split('\n')[0] : "";
    }

    /// <summary>The marker's boot ("M BOOT "), or "".</summary>
    public static string Boot(string marker) => marker.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var boot, ..] ? "M " + boot + " " : "";

    /// <summary>Until the disk has a marker <paramref name="wanted"/> takes (every 100 ms); fails the test after <paramref name="limit"/>.</summary>
    public static async Task<string> WaitMarkerAsync(string disk, Func<string, bool> wanted, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            string m = Marker(disk);
            if (m.Length > 0 && wanted(m))
            {
                return m;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no wanted marker on {disk} within {limit.TotalSeconds:0} s; last: '{Marker(disk)}'");
        return "";
    }
}
