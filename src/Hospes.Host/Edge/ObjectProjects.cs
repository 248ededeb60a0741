using Hospes.Host.Access;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Edge;

/// <summary>The project of each VM, disk, template and network, from the records that own them.</summary>
internal sealed class ObjectProjects(VmManager vms, VolumeStore volumes, NetworkService networks) : IObjectProjects
{
    public string? ProjectOf(string collection, string name) => collection switch
    {
        "vms" => vms.Find(name) is { IsOk: true } vm ? vm.Value.Record.Project : null,
        "disks" => DiskProject(name),
        "templates" => volumes.FindTemplate(name) is { IsOk: true } t ? t.Value.Project : null,
        "networks" => networks.Find(name) is { IsOk: true } n ? n.Value.Project : null,
        _ => null,
    };

    /// <summary>
    /// The store's routes name a volume as `hospes disk` does: a standalone disk (its own project), a VM's disk VM/vdev
    /// (its VM's), a template's TEMPLATE/vdev (its template's); an image is the host's (null).
    /// </summary>
    private string? DiskProject(string name)
    {
        if (VolumeStore.Resolve(name, volumes.All()) is not { IsOk: true } found)
        {
            return null;
        }

        VolumeRecord v = found.Value;
        return v.Kind switch
        {
            VolumeKind.Image => null,
            VolumeKind.VmDisk when v.Vm is { } owner => vms.Find(owner.ToString()) is { IsOk: true } a ? a.Value.Record.Project : null,
            _ => v.Project,
        };
    }
}
