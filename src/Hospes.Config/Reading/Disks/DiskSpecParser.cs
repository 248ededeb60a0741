using System.Text.RegularExpressions;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading.Disks;

/// <summary>
/// The xl disk grammar (xl-disk-configuration(5)): positional target,format,vdev,access; key=value
/// parameters and flags; target= last, taking the rest; and the deprecated
/// [prefix:][target],vdev[:devtype],access forms with prefixes such as phy:, file: and tap:aio:.
/// </summary>
internal static partial class DiskSpecParser
{
    private static readonly HashSet<string> XenOnlyParameters = new(StringComparer.Ordinal)
    {
        "backend", "script", "colo-host", "colo-port", "colo-export", "active-disk", "hidden-disk",
    };

    /// <summary>Parameters that only steer Xen's backends: nothing is lost under QEMU (discard is always on here).</summary>
    private static readonly HashSet<string> Meaningless = new(StringComparer.Ordinal)
    {
        "backendtype", "specification", "grant_usage", "direct-io-safe", "discard", "trusted", "untrusted",
    };

    private static readonly HashSet<string> XenOnlyFlags = new(StringComparer.Ordinal)
    {
        "no-discard", "colo", "no-colo",
    };

    private static readonly HashSet<string> FormatPrefixes = new(StringComparer.Ordinal) { "raw", "qcow", "qcow2", "vhd", "qed", "vmdk", "vdi" };

    private static readonly HashSet<string> ScriptPrefixes = new(StringComparer.Ordinal) { "iscsi", "nbd", "enbd", "drbd" };

    private static readonly HashSet<string> IgnoredPrefixes = new(StringComparer.Ordinal) { "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy" };

    public static ParsedDisk Parse(string text)
    {
        var disk = new ParsedDisk();
        int pos = 0;
        while (pos < text.Length && disk.Errors.Count == 0)
        {
            while (pos < text.Length && text[pos] is ' ' or '\t' or '\n')
            {
                pos++;
            }

            if (pos >= text.Length)
            {
                break;
            }

            string rest = text[pos..];
            if (rest.StartsWith("target=", StringComparison.Ordinal))
            {
                // Takes the rest of the string, so a target may contain ',' and ':'.
                string target = rest["target=".Length..];
                disk.SetTarget(target.EndsWith(',') ? target[..^1] : target);
                break;
            }

            if (TryPrefix(rest, out string? prefix))
            {
                ApplyPrefix(disk, prefix);
                pos += prefix.Length + 1;
                continue;
            }

            int comma = text.IndexOf(',', pos);
            string token = (comma < 0 ? rest : text[pos..comma]).TrimEnd();
            pos = comma < 0 ? text.Length : comma + 1;
            ApplyParameter(disk, token);
        }

        return disk;
    }

    /// <summary>True for names Xen accepts as guest disks (xvda, hdc, sda7, d0p1), plus virtio's vda.</summary>
    public static bool IsVdev(string vdev) => SpecRules.IsVdev(vdev);

    private static bool TryPrefix(string rest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? prefix)
    {
        Match match = PrefixPattern().Match(rest);
        prefix = match.Success ? match.Groups[1].Value : null;
        if (prefix is null)
        {
            return false;
        }

        if (FormatPrefixes.Contains(prefix) || ScriptPrefixes.Contains(prefix) || IgnoredPrefixes.Contains(prefix))
        {
            return true;
        }

        // "hdc:cdrom" and "image:web" are values, not prefixes: a prefix is followed by a path.
        int after = prefix.Length + 1;
        return after >= rest.Length || !char.IsAsciiLetterLower(rest[after]) && !char.IsAsciiDigit(rest[after]);
    }

    private static void ApplyPrefix(ParsedDisk disk, string prefix)
    {
        disk.HadPrefix = true;
        if (FormatPrefixes.Contains(prefix))
        {
            disk.SetFormat(prefix);
        }
        else if (ScriptPrefixes.Contains(prefix))
        {
            disk.Warnings.Add($"block script prefix '{prefix}:' is Xen-only and ignored; attach the device on the host and give its path");
        }
        else if (prefix == "phy")
        {
            disk.Phy = true;
        }
        else if (!IgnoredPrefixes.Contains(prefix))
        {
            disk.Errors.Add($"unknown prefix '{prefix}:'; write target,format,vdev,access, e.g. '/images/web.qcow2,qcow2,xvda,rw'");
        }
    }

    private static void ApplyParameter(ParsedDisk disk, string token)
    {
        int equals = token.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            ApplyKeyValue(disk, token, token[..equals], token[(equals + 1)..]);
        }
        else if (token == "cdrom")
        {
            disk.Cdrom = true;
        }
        else if (Meaningless.Contains(token))
        {
            disk.Notes.Add($"'{token}' changes nothing under QEMU");
        }
        else if (XenOnlyFlags.Contains(token))
        {
            disk.Warnings.Add($"'{token}' is Xen-only, ignored");
        }
        else
        {
            ApplyPositional(disk, token);
        }
    }

    private static void ApplyKeyValue(ParsedDisk disk, string token, string key, string value)
    {
        switch (key)
        {
            case "format":
                disk.SetFormat(value);
                break;
            case "vdev":
                disk.SetVdev(value);
                break;
            case "access":
                disk.SetAccess(value);
                break;
            case "devtype":
                disk.SetDevtype(value);
                break;
            case var _ when Meaningless.Contains(key) || (key == "backend" && value is "0" or "dom0" or "Domain-0"):
                disk.Notes.Add($"'{token}' changes nothing under QEMU");
                break;
            case var _ when XenOnlyParameters.Contains(key):
                disk.Warnings.Add($"'{token}' is Xen-only, ignored");
                break;
            case var _ when ParameterName().IsMatch(key):
                disk.Errors.Add($"unknown parameter '{token}'; known ones are target=, format=, vdev=, access= and devtype=");
                break;
            default:
                disk.Errors.Add($"'{token}' is not a disk parameter; a target containing '=' or ',' must be written last, as target=...");
                break;
        }
    }

    private static void ApplyPositional(ParsedDisk disk, string token)
    {
        if (disk.Target is null)
        {
            disk.SetTarget(token);
        }
        else if (!disk.HadPrefix && !disk.FormatGiven)
        {
            if (disk.Target.Length == 0 && disk.SetVdevAndDevtype(token))
            {
                // xend's empty cdrom: ",hdc:cdrom,r".
                disk.FormatGiven = true;
            }
            else if (token.Length == 0 || DiskFormats.ToQemu(token.ToLowerInvariant()) is not null)
            {
                disk.SetFormat(token);
            }
            else if (IsVdev(token.Split(':')[0]))
            {
                // xm's "target,vdev,access" without a prefix: accept it rather than call the vdev a bad format.
                disk.FormatGiven = true;
                if (!disk.SetVdevAndDevtype(token))
                {
                    disk.SetVdev(token);
                }
            }
            else
            {
                disk.Errors.Add($"unknown format '{token}'; use {DiskFormats.Supported}");
            }
        }
        else if (disk.Vdev is null)
        {
            if (!disk.SetVdevAndDevtype(token))
            {
                disk.SetVdev(token);
            }
        }
        else if (!disk.AccessGiven)
        {
            disk.SetAccess(token);
        }
        else
        {
            disk.Errors.Add($"too many fields at '{token}'; the form is target,format,vdev,access");
        }
    }

    [GeneratedRegex("^([a-z][a-z0-9]*):")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[a-z][-a-z0-9_]*$")]
    private static partial Regex ParameterName();
}
