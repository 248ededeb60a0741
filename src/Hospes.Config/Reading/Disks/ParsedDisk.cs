namespace Hospes.Config.Reading.Disks;

/// <summary>
/// The fields of one disk string as written, before paths are resolved. Setting a field twice with
/// different values is an error, as in xl.
/// </summary>
internal sealed class ParsedDisk
{
    /// <summary>Null when not given; "" for an explicitly empty target (an empty cdrom drive).</summary>
    public string? Target { get; private set; }

    /// <summary>QEMU's format name; null when not given (raw).</summary>
    public string? Format { get; private set; }
    public bool FormatGiven { get; set; }
    public string? Vdev { get; private set; }

    /// <summary>Null when the access mode was not given.</summary>
    public bool? ReadOnly { get; private set; }
    public bool AccessGiven { get; private set; }
    public bool Cdrom { get; set; }

    /// <summary>A deprecated prefix (phy:, file:, tap:aio:...) was seen, so positionals are target, vdev, access.</summary>
    public bool HadPrefix { get; set; }

    /// <summary>phy: was given: a relative target is a device under /dev.</summary>
    public bool Phy { get; set; }
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];

    /// <summary>Parameters that change nothing under QEMU: notes, shown with --verbose.</summary>
    public List<string> Notes { get; } = [];

    public void SetTarget(string target)
    {
        if (!string.IsNullOrEmpty(Target))
        {
            Errors.Add($"target given twice ('{Target}' and '{target}')");
            return;
        }

        Target = target;
    }

    public void SetVdev(string vdev)
    {
        if (!string.IsNullOrEmpty(Vdev))
        {
            Errors.Add($"vdev given twice ('{Vdev}' and '{vdev}')");
            return;
        }

        Vdev = vdev;
    }

    /// <summary>The deprecated "vdev:devtype" (hdc:cdrom); false when the token has no ':'.</summary>
    public bool SetVdevAndDevtype(string token)
    {
        int colon = token.LastIndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        SetVdev(token[..colon]);
        SetDevtype(token[(colon + 1)..]);
        return true;
    }

    public void SetDevtype(string devtype)
    {
        switch (devtype.ToLowerInvariant())
        {
            case "cdrom":
                Cdrom = true;
                break;
            case "disk":
                Cdrom = false;
                break;
            default:
                Errors.Add($"unknown device type '{devtype}'; use devtype=cdrom or leave it out for a disk");
                break;
        }
    }

    public void SetFormat(string format)
    {
        string name = format.ToLowerInvariant();
        FormatGiven = true;
        if (name is "" or "empty")
        {
            return;
        }

        string? qemu = DiskFormats.ToQemu(name);
        if (qemu is null)
        {
            Errors.Add($"unknown format '{format}'; use {DiskFormats.Supported}");
        }
        else if (Format is not null && Format != qemu)
        {
            Errors.Add($"format given twice ('{DiskFormats.ToXen(Format)}' and '{format}')");
        }
        else
        {
            Format = qemu;
        }
    }

    public void SetAccess(string access)
    {
        AccessGiven = true;
        switch (access.ToLowerInvariant())
        {
            case "":
                break;
            case "r" or "ro":
                ReadOnly = true;
                break;
            case "w" or "rw" or "w!":
                ReadOnly = false;
                break;
            default:
                Errors.Add($"unknown access mode '{access}'; use ro or rw");
                break;
        }
    }
}
