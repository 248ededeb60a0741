using System.Text.RegularExpressions;

namespace Hospes.Testing.Bench;

/// <summary>A VM's qemu.log, next to its console log: hospesd writes there the QEMU command line it started.</summary>
public static partial class QemuLog
{
    /// <summary>The first (or <paramref name="last"/>) line "hospesd starts: qemu-system-... ARGS" of <paramref name="vm"/>'s qemu.log.</summary>
    public static async Task<string> StartLineAsync(Daemon daemon, string vm, bool last = false)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        string console = (await daemon.InfoAsync(vm)).ConsoleLog ?? throw new InvalidOperationException($"{vm} has no console log, so no qemu.log beside it");
        string qemuLog = Path.Combine(Path.GetDirectoryName(console)!, "qemu.log");
        IEnumerable<string> starts = File.ReadLines(qemuLog).Where(l => l.Contains("hospesd starts:", StringComparison.Ordinal));
        return (last ? starts.LastOrDefault() : starts.FirstOrDefault()) ?? throw new InvalidOperationException($"{qemuLog} has no 'hospesd starts:' line");
    }

    /// <summary>The value after <paramref name="option"/> in a logged command line ('quoted' or a bare word).</summary>
    public static string ArgumentAfter(string commandLine, string option)
    {
        Match m = Regex.Match(commandLine, Regex.Escape(option) + @" ('([^']*)'|(\S+))");
        return m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
    }
}
