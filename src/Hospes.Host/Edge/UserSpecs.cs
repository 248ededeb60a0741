using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Images;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Edge;

/// <summary>
/// What a VM spec a user sends may use of this host (the spec gate, applied by the one validator): an admin
/// (the local admin, or Sys.Modify on /) anything; anyone else only store images and disks they hold Datastore.Use
/// on and Hospes networks they hold Network.Use on: no host path, block device, PCI device, host bridge, accelerator
/// or pinning to host CPUs.
/// </summary>
internal sealed class UserSpecs(AccessGate gate, IObjectProjects projects, ImageService images, VolumeStore volumes, NetworkService networks)
{
    private const string AskAdmin = "only an admin may; use image:NAME for the store's images and disks, or ask an admin";

    /// <summary>The policy for <paramref name="caller"/>'s spec from <paramref name="origin"/> (the config file's name).</summary>
    public VmSpecPolicy For(Caller caller, string origin)
    {
        AccessPolicy policy = gate.Policy;
        Principal who = caller.Principal;
        if (caller.IsLocalAdmin || policy.Allows(who, Privilege.SysModify, AclPath.Root))
        {
            return VmSpecPolicy.Anything(origin);
        }

        string Project(string collection, string name) => projects.ProjectOf(collection, name) ?? "default";
        bool May(Privilege privilege, params string[] segments) => policy.Allows(who, privilege, AclPath.Of(segments));

        string[] store =
        [
            .. images.List().Select(i => i.Name).Where(n => May(Privilege.DatastoreUse, "images", n)),
            .. volumes.All().Where(v => v.Kind == VolumeKind.Disk).Select(v => v.Name)
                .Where(n => May(Privilege.DatastoreUse, "projects", Project("disks", n), "disks", n)),
        ];
        NetworkRecord[] usable = [.. networks.All.Where(n => May(Privilege.NetworkUse, "projects", Project("networks", n.Name), "networks", n.Name))];
        return new VmSpecPolicy
        {
            Origin = $"{origin} (from {caller.Display}, who is not an admin)",
            PathRoots = [],
            HostBridges = [],
            PciDevices = [],
            Networks = [.. usable.Select(n => n.Name), .. usable.Select(n => n.Bridge)],
            StoreNames = store,
            HostTuning = false,
            HostPaths = false,
            AllowPaths = AskAdmin,
            AllowDevices = AskAdmin,
            AllowBridges = "use a Hospes network you hold Network.Use on (hospes network list), or ask an admin",
            AllowPci = "only an admin may pass a PCI device through",
        };
    }
}
