using Hospes.Contracts;
using Hospes.Host.Storage;

namespace Hospes.Host.Edge;

/// <summary>A template in wire form: its spec's size, its disks, its linked clones.</summary>
internal static class TemplateInfoFactory
{
    public static TemplateInfo Create(TemplateView view) => new()
    {
        Name = view.Template.Name,
        Project = view.Template.Project,
        SourceVm = view.Template.SourceVm,
        MemoryMib = view.Template.Spec.MemoryMib,
        Vcpus = view.Template.Spec.Vcpus,
        ReadyMarker = view.Template.ReadyMarker,
        Disks = [.. view.Disks.Select(VolumeInfoFactory.Create)],
        Clones = view.Clones,
        CreatedAt = view.Template.CreatedAt,
        Running = view.Running,
        CopiedFrom = view.CopiedFrom?.Home,
        CopyOfDeleted = view.CopiedFrom?.HomeDeletedAt is not null,
    };
}
