using System.Globalization;
using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Host.Settings;

/// <summary>
/// hospesd's settings file: `key = value` lines, `#` comments. Unknown keys and bad values are errors that name the
/// line, so a typo is never silently ignored.
/// </summary>
public static class HostSettings
{
    public const string DefaultPath = "/etc/hospes/hospesd.conf";

    public static readonly IReadOnlyList<string> Keys =
    [
        "memory.overcommit_ratio", "memory.policy", "memory.reserve_mib", "memory.ksm", "memory.interval_s", "tcg.tb_size_mib", "listen", "host.name",
        "logs.vm_max_mib", "qemu.uids",
        "migration.allow_paths", "migration.allow_bridges", "migration.allow_pci",
        "cluster.shared_dirs", "cluster.ha.fence_after_s", "cluster.ha.restart_margin_s",
        "cluster.voters", "cluster.voter_down_s", "cluster.etcd_client_port", "cluster.etcd_peer_port",
    ];

    /// <summary>Reads a settings file into <paramref name="options"/>.</summary>
    public static Result<HostOptions> Load(string path, HostOptions options)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Invalid($"{path}: cannot read the settings file: {e.Message}");
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return HospesError.Invalid($"{path}:{i + 1}: expected `key = value`, e.g. `memory.policy = balance`");
            }

            string value = line[(eq + 1)..].Trim().Trim('"');
            Result<HostOptions> applied = Apply(options, line[..eq].Trim(), value);
            if (!applied.IsOk)
            {
                return applied.Error with { Message = $"{path}:{i + 1}: {applied.Error.Message}" };
            }

            options = applied.Value;
        }

        return options;
    }

    /// <summary>Sets one key (from the file or from a flag) after checking its value.</summary>
    public static Result<HostOptions> Apply(HostOptions options, string key, string value)
    {
        MemorySettings m = options.Memory;
        switch (key)
        {
            case "memory.overcommit_ratio":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double ratio) || ratio < 0.01 || ratio > 100)
                {
                    return Bad(key, value, "a number from 0.01 to 100, e.g. 2.0 (1.0 means no overcommit)");
                }

                return options with { Memory = m with { OvercommitRatio = ratio } };
            case "memory.policy":
                return value switch
                {
                    "off" => options with { Memory = m with { Policy = MemoryPolicyMode.Off } },
                    "balance" => options with { Memory = m with { Policy = MemoryPolicyMode.Balance } },
                    _ => Bad(key, value, "off or balance"),
                };
            case "memory.ksm":
                return value switch
                {
                    "auto" => options with { Memory = m with { Ksm = KsmMode.Auto } },
                    "off" => options with { Memory = m with { Ksm = KsmMode.Off } },
                    _ => Bad(key, value, "auto or off"),
                };
            case "memory.reserve_mib":
                return Int(value, 0, 1 << 24) is { } reserve
                    ? options with { Memory = m with { ReserveMib = reserve } }
                    : Bad(key, value, "a number of MiB, e.g. 1024");
            case "memory.interval_s":
                return Int(value, 1, 60) is { } seconds
                    ? options with { Memory = m with { Interval = TimeSpan.FromSeconds(seconds) } }
                    : Bad(key, value, "whole seconds from 1 to 60, e.g. 2");
            case "tcg.tb_size_mib":
                return value == "default"
                    ? options with { TcgTbSizeMib = null }
                    : Int(value, 1, 4096) is { } tb
                        ? options with { TcgTbSizeMib = tb }
                        : Bad(key, value, "a number of MiB from 1 to 4096, or default (QEMU's own)");
            case "listen":
                return ParseListen(value) is { } endpoint
                    ? options with { ListenEndpoint = endpoint }
                    : Bad(key, value, "ADDRESS:PORT with an IP address and a port from 1 to 65535, e.g. 0.0.0.0:8443, 192.0.2.1:8443 or [::]:8443");
            case "host.name":
                return IsHostName(value)
                    ? options with { HostName = value }
                    : Bad(key, value, "1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit, e.g. host-b");
            case "logs.vm_max_mib":
                return Int(value, 1, 1 << 16) is { } logMib
                    ? options with { VmLogMaxMib = logMib }
                    : Bad(key, value, "a number of MiB from 1 to 65536, e.g. 32 (each VM log and its one older part)");
            case "qemu.uids":
                return value == "off"
                    ? options with { QemuUids = null }
                    : UidRange.Parse(value) is { } uids
                        ? options with { QemuUids = uids }
                        : Bad(key, value, $"FIRST-LAST, uids from 1000 to {int.MaxValue - 1} no user of this host has, e.g. {UidRange.Default}; or off (every QEMU runs as root)");
            case "migration.allow_paths":
                return List(value) is var paths && paths.All(p => Path.IsPathFullyQualified(p) && SpecRules.ControlCharacter(p) is null)
                    ? options with { AllowPaths = [.. paths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)))] }
                    : Bad(key, value, "absolute folders (or devices) separated by commas, e.g. /srv/shared, /dev/vg0");
            case "migration.allow_bridges":
                return List(value) is var bridges && bridges.All(b => SpecRules.NetworkNameProblem(b) is null)
                    ? options with { AllowBridges = bridges }
                    : Bad(key, value, "bridge names separated by commas, e.g. br0");
            case "migration.allow_pci":
                return List(value) is var pci && pci.All(SpecRules.IsPciAddress)
                    ? options with { AllowPci = pci }
                    : Bad(key, value, "PCI addresses DDDD:BB:DD.F in lower-case hex separated by commas, e.g. 0000:06:02.0");
            case "cluster.shared_dirs":
                return List(value) is var shared && shared.All(p => Path.IsPathFullyQualified(p) && SpecRules.ControlCharacter(p) is null)
                    ? options with { SharedDirs = [.. shared.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)))] }
                    : Bad(key, value, "absolute folders on storage every host shares, at the same path on each, separated by commas, e.g. /srv/shared");
            case "cluster.ha.fence_after_s":
                return Seconds(value, 1, 8) is { } fence
                    ? options with { HaFenceAfter = fence }
                    : Bad(key, value, "seconds from 1 to 8 (below the 10 s cluster lease, with room for the kill), e.g. 6.5");
            case "cluster.ha.restart_margin_s":
                return Seconds(value, 0, 120) is { } margin
                    ? options with { HaRestartMargin = margin }
                    : Bad(key, value, "seconds from 0 to 120, e.g. 2");
            case "cluster.voters":
                return Int(value, 1, 5) is { } voters && voters % 2 == 1
                    ? options with { EtcdVoters = voters }
                    : Bad(key, value, "1, 3 or 5 (an odd number: etcd's quorum is a majority; more hosts join as non-voting learners)");
            case "cluster.voter_down_s":
                return Seconds(value, 10, 86400) is { } down
                    ? options with { EtcdVoterDownAfter = down }
                    : Bad(key, value, "seconds from 10 to 86400, e.g. 60");
            case "cluster.etcd_client_port":
                return Int(value, 1, 65535) is { } clientPort
                    ? options with { EtcdClientPort = clientPort }
                    : Bad(key, value, "a TCP port from 1 to 65535, e.g. 2379");
            case "cluster.etcd_peer_port":
                return Int(value, 1, 65535) is { } peerPort
                    ? options with { EtcdPeerPort = peerPort }
                    : Bad(key, value, "a TCP port from 1 to 65535, e.g. 2380");
            default:
                return HospesError.Invalid($"unknown setting {key}; known settings: {string.Join(", ", Keys)}");
        }
    }

    /// <summary>ADDRESS:PORT with a literal IP (IPv6 in brackets) and an explicit port.</summary>
    public static IPEndPoint? ParseListen(string value) =>
        value.Contains(':', StringComparison.Ordinal) && !value.EndsWith(']') && IPEndPoint.TryParse(value, out IPEndPoint? endpoint) && endpoint.Port > 0
            && (endpoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || value.StartsWith('['))
            ? endpoint
            : null;

    public static bool IsHostName(string value) =>
        value.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static TimeSpan? Seconds(string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= min && s <= max ? TimeSpan.FromSeconds(s) : null;

    private static string[] List(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static int? Int(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max ? n : null;

    private static HospesError Bad(string key, string value, string expected) =>
        HospesError.Invalid($"{key} = {value}: expected {expected}");
}
