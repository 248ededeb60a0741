using Hospes.Host.Access;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Edge;

/// <summary>The project of each VM, disk, template and network, from the records that own them.</summary>
internal sealed class ObjectProjects(VmManager vms, VolumeStore volumes, NetworkService networks) : IObjectProjects
{
    private const string Default = "default";

    public string? ProjectOf(string collection, string name) => collection switch
    {
        "vms" => vms.Find(name).IsOk ? Default : null,
        "disks" => volumes.Find(VolumeKind.Disk, name) is null ? null : Default,
        "templates" => volumes.FindTemplate(name).IsOk ? Default : null,
        "networks" => networks.Find(name).IsOk ? Default : null,
        _ => null,
    };
}
