using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Storage.Images;

namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// What an HA VM may use: only what every host of the cluster has. Its disks must all be files under a folder the
/// admin declared shared (cluster.shared_dirs, the same path on every host); no store disk (local to one host), no
/// device of the host (a disk under /dev, PCI or USB passthrough).
/// </summary>
internal static class HaRules
{
    /// <summary>Null when <paramref name="spec"/> may have ha = 1 (or does not ask for it); else why not and the fix.</summary>
    public static HospesError? Refusal(VmSpec spec, IReadOnlyList<string> sharedDirs)
    {
        if (!spec.Ha)
        {
            return null;
        }

        string shared = sharedDirs.Count == 0
            ? "hospesd has no shared folder (set cluster.shared_dirs in its settings to the folder every host shares, e.g. /srv/shared)"
            : $"the shared folders are {string.Join(", ", sharedDirs)} (cluster.shared_dirs)";
        foreach (DiskSpec d in spec.Disks.Where(d => d.Target.Length > 0))
        {
            string name = $"disk '{d.Source ?? d.Vdev}'";
            if (ImageStore.IsReference(d.Target))
            {
                return HospesError.Invalid($"{spec.Name}: ha = 1 needs every disk on shared storage, and {name} is a store image of this host only ({d.Target}); copy it to a file under a shared folder and name that file, or remove ha = 1; {shared}");
            }

            string path = Path.GetFullPath(d.Target);
            if (path.StartsWith("/dev/", StringComparison.Ordinal))
            {
                return HospesError.Invalid($"{spec.Name}: ha = 1 needs every disk on shared storage, and {name} is a device of this host ({path}); use a file under a shared folder, or remove ha = 1; {shared}");
            }

            if (!sharedDirs.Any(dir => path.StartsWith(dir + "/", StringComparison.Ordinal)))
            {
                return HospesError.Invalid($"{spec.Name}: ha = 1 needs every disk on shared storage, and {name} ({path}) is not under a shared folder; {shared}; move the disk there, or remove ha = 1");
            }
        }

        if (spec.PciDevices.Count > 0)
        {
            return HospesError.Invalid($"{spec.Name}: ha = 1 cannot go with pci = [...] ({string.Join(", ", spec.PciDevices)}): a host's device is not on the others; remove one of the two");
        }

        return null;
    }
}
