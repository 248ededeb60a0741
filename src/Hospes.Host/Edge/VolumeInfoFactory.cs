using Hospes.Contracts;
using Hospes.Host.Storage;

namespace Hospes.Host.Edge;

/// <summary>A volume of the store in wire form, VMs and backing volumes named as users know them.</summary>
internal static class VolumeInfoFactory
{
    public static VolumeInfo Create(VolumeView view)
    {
        var v = view.Volume;
        return new VolumeInfo
        {
            Name = v.Name,
            Project = view.Project,
            Kind = VolumeStore.KindName(v.Kind),
            Path = v.Path,
            Format = v.Format,
            VirtualSizeBytes = v.VirtualSize,
            ActualSizeBytes = view.ActualSize,
            Backing = view.Backing is { } backing ? VolumeStore.Handle(backing) : null,
            Vm = view.Vm,
            Template = v.Template,
            Checksum = v.Checksum,
            Dependents = [.. view.Dependents.Select(d => VolumeStore.Handle(d.Volume) + (d.Vm is { } vm ? $" (vm {vm})" : ""))],
            CreatedAt = v.CreatedAt,
        };
    }
}
