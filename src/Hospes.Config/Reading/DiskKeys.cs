using Hospes.Config.Reading.Disks;
using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// disk: each entry parsed by the xl grammar, its target resolved and checked on the host; xm's cdrom = 'PATH' is one more
/// entry, the install medium in drive hdc.
/// </summary>
internal sealed class DiskKeys : IKeyGroup
{
    private const string Example = "disk = [ '/images/web.img,raw,xvda,rw' ]";

    public void Read(ReadContext context)
    {
        List<StringValue> entries = context.StringList("disk", Example) is { } disks ? [.. disks.Value] : [];
        if (context.Text("cdrom", "cdrom = '/isos/install.iso'") is { Value.Length: > 0 } cdrom)
        {
            // xm's cdrom key was the HVM guest's drive hdc.
            entries.Add(new StringValue($"{cdrom.Value.Trim()},hdc:cdrom,r", cdrom.Source.Location, cdrom.Source.Text));
        }

        var byVdev = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (StringValue entry in entries)
        {
            if (entry.Value.Trim().Length == 0)
            {
                context.Warning(entry, "disk: empty entry ignored");
                continue;
            }

            DiskSpec? disk = ReadDisk(context, entry);
            if (disk is null)
            {
                continue;
            }

            if (byVdev.TryGetValue(disk.Vdev, out string? first))
            {
                context.Error(entry, $"disk '{entry.Value}': vdev {disk.Vdev} is already used by disk '{first}'; give each disk its own vdev");
                continue;
            }

            byVdev[disk.Vdev] = entry.Value;
            context.Draft.Disks.Add(disk);
        }
    }

    private static DiskSpec? ReadDisk(ReadContext context, StringValue entry)
    {
        string what = $"disk '{entry.Value}'";
        ParsedDisk parsed = DiskSpecParser.Parse(entry.Value);
        foreach (string warning in parsed.Warnings)
        {
            context.Warning(entry, $"{what}: {warning}");
        }

        foreach (string note in parsed.Notes)
        {
            context.Note(entry, $"{what}: {note}");
        }

        foreach (string error in parsed.Errors)
        {
            context.Error(entry, $"{what}: {error}");
        }

        if (parsed.Errors.Count > 0)
        {
            return null;
        }

        bool valid = true;
        if (string.IsNullOrEmpty(parsed.Vdev))
        {
            context.Error(entry, $"{what}: no vdev (the guest's name for the disk); write e.g. '/images/web.img,raw,xvda,rw'");
            valid = false;
        }
        else if (!DiskSpecParser.IsVdev(parsed.Vdev))
        {
            context.Error(entry, $"{what}: '{parsed.Vdev}' is not a guest disk name; use xvdX, hdX or sdX (e.g. xvda, hdc, sda7)");
            valid = false;
        }

        string target = parsed.Target ?? "";
        if (target.Length == 0 && !parsed.Cdrom)
        {
            context.Error(entry, $"{what}: no target; give the image file or device, e.g. '/images/web.img,raw,xvda,rw'");
            valid = false;
        }
        else if (HostPaths.Problem(target) is { } problem)
        {
            context.Error(entry, $"{what}: {problem}");
            valid = false;
        }

        if (!valid)
        {
            return null;
        }

        if (parsed.Cdrom && parsed.ReadOnly == false)
        {
            context.Warning(entry, $"{what}: cdrom drives are read-only; the access mode is ignored");
        }

        return new DiskSpec
        {
            Target = ResolveTarget(context, entry, what, target, parsed.Phy),
            Format = parsed.Format ?? "raw",
            Vdev = parsed.Vdev!,
            ReadOnly = parsed.Cdrom || parsed.ReadOnly == true,
            DeviceType = parsed.Cdrom ? DiskDeviceType.Cdrom : DiskDeviceType.Disk,
            Source = entry.Value,
        };
    }

    private static string ResolveTarget(ReadContext context, StringValue entry, string what, string target, bool phy)
    {
        if (target.Length == 0)
        {
            return "";
        }

        // xl's rule: a phy: target without a leading '/' names a device under /dev (phy:vg/web is /dev/vg/web).
        string path = phy && !Path.IsPathRooted(target) && !HostPaths.IsImageReference(target)
            ? "/dev/" + target
            : HostPaths.Resolve(target, context.BaseDirectory);
        if (HostPaths.ImageProblem(path) is { } image)
        {
            context.Error(entry, $"{what}: {image}");
        }
        else if (!HostPaths.IsImageReference(path) && !context.Host.PathExists(path))
        {
            string kind = path.StartsWith("/dev/", StringComparison.Ordinal) ? "device" : "file";
            context.HostProblem(entry, $"{what}: {kind} {path} does not exist on this host");
        }

        return path;
    }
}
