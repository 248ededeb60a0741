using System.Text.RegularExpressions;
using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Qemu.Host;

/// <summary>The qemu-system-x86_64 this host uses, and what it is.</summary>
public sealed partial record QemuBinary(string Path, Version Version, string VersionText)
{
    /// <summary>
    /// QEMU 7.2 (Debian 12's own) loses guest memory writes during live migration under TCG; 9.0 fixed it.
    /// Hospes refuses older versions rather than corrupt a guest.
    /// </summary>
    public static readonly Version Minimum = new(9, 0);

    public static async Task<Result<QemuBinary>> DetectAsync(string? configuredPath, CancellationToken ct)
    {
        string path = configuredPath ?? FindOnPath("qemu-system-x86_64") ?? "qemu-system-x86_64";
        Result<ToolOutput> run = await ToolProcess.RunAsync(new ToolCommand(path, ["--version"]) { Timeout = TimeSpan.FromSeconds(10) }, ct)
            .ConfigureAwait(false);
        ToolOutput r;
        switch (run.Error)
        {
            case null:
                r = run.Value;
                break;
            case ToolNotInstalled:
                return HospesError.Unavailable($"QEMU not found ({path}): install qemu-system-x86 from bookworm-backports; ./setup.sh does it");
            case ToolExited exited:
                r = exited.Output;
                break;
            case ToolTimedOut timedOut:
                r = timedOut.Output;
                break;
            default:
                return run.Error;
        }

        string firstLine = r.StandardOutput.Split('\n')[0].Trim();
        Match m = VersionPattern().Match(firstLine);
        if (r.ExitCode != 0 || !m.Success)
        {
            return HospesError.Unavailable($"cannot read the version of {path}: '{firstLine}{r.LastErrorLine}'");
        }

        var version = new Version(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (version < Minimum)
        {
            return HospesError.Unavailable(
                $"QEMU {version} at {path} is too old: Hospes needs QEMU {Minimum} or later (QEMU before 9.0 loses guest memory during live migration under TCG); "
                + "install qemu-system-x86 from bookworm-backports (./setup.sh does it)");
        }

        return new QemuBinary(path, version, firstLine);
    }

    public static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [GeneratedRegex(@"version (\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
