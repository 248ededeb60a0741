using Hospes.Host.Machine;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>
/// A volume as users know it, read at one moment (a delete reads it before the file goes): its row, the volume it is
/// an overlay on, the VM that owns it and the volumes on top of it, VMs by name.
/// </summary>
internal sealed record VolumeView(VolumeRecord Volume, VolumeRecord? Backing, string? Vm, IReadOnlyList<VolumeDependent> Dependents, long? ActualSize)
{
    /// <summary>Its project: a standalone disk's or a template's own, a VM's disk its VM's; an image has none (null).</summary>
    public string? Project { get; init; }

    public static VolumeView Of(VolumeRecord v, IReadOnlyList<VolumeRecord> all, IVmDirectory vms) => new(
        v,
        v.BackingId is { } b ? all.FirstOrDefault(x => x.Id == b) : null,
        v.Vm is { } vm ? vms.NameOf(vm) : null,
        [.. all.Where(x => x.BackingId == v.Id).Select(x => new VolumeDependent(x, x.Vm is { } o ? vms.NameOf(o) : null))],
        ActualSizeOf(v.Path))
    {
        Project = v.Kind switch
        {
            VolumeKind.Image => null,
            VolumeKind.VmDisk when v.Vm is { } owner && vms.Find(owner.ToString()) is { IsOk: true } a => a.Value.Record.Project,
            _ => v.Project,
        },
    };

    /// <summary>The file's length: for qcow2 about what it takes on the host's disk (overlays take little).</summary>
    private static long? ActualSizeOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : null;
    }
}

/// <summary>A volume that is an overlay on another, and the VM it belongs to, by name.</summary>
internal sealed record VolumeDependent(VolumeRecord Volume, string? Vm);
