namespace Hospes.Core.Vms;

public static partial class VmSpecValidator
{
    private static void Disks(VmSpec spec, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (spec.Disks is null)
        {
            problems.Add(new("disks", "are missing; give a list ([] for none)"));
            return;
        }

        var vdevs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < spec.Disks.Count; i++)
        {
            DiskSpec d = spec.Disks[i];
            if (d is null)
            {
                problems.Add(new($"disk {i}", "is missing (null); remove it from the list"));
                continue;
            }

            bool named = SpecRules.IsVdev(d.Vdev);
            string subject = named ? $"disk {d.Vdev}" : $"disk {i}";
            if (!named)
            {
                problems.Add(new(subject, $"vdev {Shown(d.Vdev)} is not a guest disk name; use xvdX, hdX, sdX or vdX (e.g. xvda, hdc, sda7)"));
            }
            else if (!vdevs.Add(d.Vdev))
            {
                problems.Add(new(subject, $"vdev {d.Vdev} is given to another disk too; give each disk its own vdev"));
            }

            if (d.Format is null || !SpecRules.DiskFormats.Contains(d.Format))
            {
                problems.Add(new(subject, $"format {Shown(d.Format)} is not a disk format; use raw, qcow2, qcow, vpc, qed, vmdk or vdi"));
            }

            Defined(d.DeviceType, subject + " device type", "disk or cdrom", problems);
            Target(subject, d, named && policy.HostMadeDisks.Contains(d.Vdev), policy, problems);
        }
    }

    private static void Target(string subject, DiskSpec d, bool madeHere, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (d.Target is null)
        {
            problems.Add(new(subject, "has no target; give its image file (an empty target only for an empty cdrom drive)"));
        }
        else if (d.Target.Length == 0)
        {
            if (d.DeviceType != DiskDeviceType.Cdrom)
            {
                problems.Add(new(subject, "has an empty target; only a cdrom drive may be empty: give the disk's image file"));
            }
        }
        else if (SpecRules.IsImageReference(d.Target))
        {
            ImageReference(subject, "target ", d.Target, policy, problems);
        }
        else if (!madeHere)
        {
            HostPath(subject, "target ", d.Target, policy, problems);
        }
    }

    private static void Vifs(VmSpec spec, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (spec.Vifs is null)
        {
            problems.Add(new("vifs", "are missing; give a list ([] for none)"));
            return;
        }

        var macs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < spec.Vifs.Count; i++)
        {
            VifSpec v = spec.Vifs[i];
            string subject = $"vif {i}";
            if (v is null)
            {
                problems.Add(new(subject, "is missing (null); remove it from the list"));
                continue;
            }

            if (v.Mac is { } mac && !SpecRules.IsMac(mac))
            {
                problems.Add(new(subject, $"mac {Shown(mac)} is not a usable MAC; write six lower-case hex octets of a unicast address, e.g. 52:54:00:12:34:56, or leave it out"));
            }
            else if (v.Mac is not null && !macs.Add(v.Mac))
            {
                problems.Add(new(subject, $"mac {v.Mac} is given to another vif too; give each its own or leave mac out"));
            }

            if (v.Ip is { } ip && !SpecRules.IsIpv4(ip))
            {
                problems.Add(new(subject, $"ip {Shown(ip)} is not an IPv4 address; write e.g. 10.0.0.5 or leave it out"));
            }

            if (v.Model is null || !SpecRules.NicModels.Contains(v.Model))
            {
                problems.Add(new(subject, $"model {Shown(v.Model)} is not supported; use {SpecRules.NicModelList}"));
            }

            Bridge(subject, v.Bridge, policy, problems);
            if (v.VifName is { } name && (SpecRules.NetworkNameProblem(name) is not null || name.Length > SpecRules.MaxInterfaceName))
            {
                problems.Add(new(subject, $"vifname {Shown(name)} is not an interface name; use at most {SpecRules.MaxInterfaceName} letters, digits, '-', '_' and '.', or leave it out"));
            }
        }
    }

    private static void Bridge(string subject, string? bridge, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (bridge is null)
        {
            return;
        }

        if (SpecRules.NetworkNameProblem(bridge) is { } problem)
        {
            problems.Add(new(subject, $"bridge {Shown(bridge)} is not a network or bridge name: {problem}"));
        }
        else if (policy.HostBridges is { } allowed && !policy.Networks.Contains(bridge) && !allowed.Contains(bridge))
        {
            problems.Add(new(subject, $"bridge '{bridge}' is not a Hospes network here; {policy.Origin} may join this host's networks, and host bridges only where allowed: to allow it, {policy.AllowBridges}"));
        }
    }

    private static void Pci(VmSpec spec, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (spec.PciDevices is null)
        {
            problems.Add(new("pci", "is missing; give a list ([] for none)"));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string bdf in spec.PciDevices)
        {
            if (!SpecRules.IsPciAddress(bdf))
            {
                problems.Add(new("pci", $"{Shown(bdf)} is not a PCI address; write DDDD:BB:DD.F, e.g. 0000:06:02.0"));
            }
            else if (!seen.Add(bdf))
            {
                problems.Add(new("pci", $"device {bdf} is listed twice; remove one entry"));
            }
            else if (policy.PciDevices is { } allowed && !allowed.Contains(bdf))
            {
                problems.Add(new("pci", $"device {bdf} is a PCI device of this host; {policy.Origin} may not pass it through to the guest: to allow it, {policy.AllowPci}"));
            }
        }
    }

    /// <summary>
    /// A host path: absolute, no control characters, and (unless the policy allows any) inside an allowed folder once
    /// every link is resolved. A block device needs an allowed folder in /dev; a character device is never a disk.
    /// </summary>
    private static void HostPath(string subject, string what, string path, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (SpecRules.ControlCharacter(path) is { } c)
        {
            problems.Add(new(subject, $"{what}{Shown(path)} contains the control character U+{(int)c:X4}; a path cannot hold control characters"));
            return;
        }

        if (!Path.IsPathFullyQualified(path))
        {
            problems.Add(new(subject, $"{what}{Shown(path)} is not an absolute path; give the full path, e.g. /srv/images/web.img"));
            return;
        }

        if (!policy.HostPaths)
        {
            problems.Add(new(subject, $"{what}{Shown(path)} is a path on this host, which {policy.Origin} may not name; {policy.AllowPaths}"));
            return;
        }

        if (policy.PathRoots is not { } roots)
        {
            return;
        }

        HostPathInfo info = policy.Paths?.Inspect(path) ?? new(Path.GetFullPath(path), HostPathKind.File);
        string shown = info.RealPath == path ? path : $"{path} (which is {info.RealPath})";
        bool device = info.Kind == HostPathKind.BlockDevice || IsUnder(info.RealPath, "/dev");
        // Links are followed, so a link on shared storage cannot lead out of it; in /dev, whose links udev makes
        // (/dev/vg0/web is /dev/dm-3), the name given counts when it stays in /dev.
        string? root = roots.FirstOrDefault(r => IsUnder(info.RealPath, r))
            ?? roots.FirstOrDefault(r => IsUnder(r, "/dev") && IsUnder(path, r) && IsUnder(info.RealPath, "/dev"));
        if (info.Kind == HostPathKind.CharacterDevice)
        {
            problems.Add(new(subject, $"{what}{shown} is a character device of this host, not a disk; {policy.Origin} may not use it"));
        }
        else if (device && (root is null || !IsUnder(root, "/dev")))
        {
            problems.Add(new(subject, $"{what}{shown} is a block device of this host; {policy.Origin} may use host devices only where allowed: to allow it, {policy.AllowDevices}"));
        }
        else if (root is null)
        {
            problems.Add(new(subject, $"{what}{shown} is a file of this host outside the folders {policy.Origin} may use (store images and the disks this host makes for it); if both hosts share that folder, to allow it, {policy.AllowPaths}"));
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or inside it, '..' resolved.</summary>
    private static bool IsUnder(string path, string root)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetFullPath(root).TrimEnd('/');
        return full == folder || full.StartsWith(folder + "/", StringComparison.Ordinal);
    }
}
