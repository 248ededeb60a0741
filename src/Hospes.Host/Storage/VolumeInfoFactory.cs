using Hospes.Contracts;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>Store rows to wire form, naming VMs and backing volumes as users know them.</summary>
internal static class VolumeInfoFactory
{
    public static VolumeInfo Create(VolumeRecord v, IReadOnlyList<VolumeRecord> all, Func<Guid, string?> vmName)
    {
        VolumeRecord? backing = v.BackingId is { } b ? all.FirstOrDefault(x => x.Id == b) : null;
        return new VolumeInfo
        {
            Name = v.Name,
            Kind = VolumeStore.KindName(v.Kind),
            Path = v.Path,
            Format = v.Format,
            VirtualSizeBytes = v.VirtualSize,
            ActualSizeBytes = ActualSize(v.Path),
            Backing = backing is null ? null : Handle(backing),
            Vm = v.Vm is { } vm ? vmName(vm) ?? vm.ToString() : null,
            Template = v.Template,
            Checksum = v.Checksum,
            Dependents = [.. all.Where(x => x.BackingId == v.Id).Select(x => Handle(x) + (x.Vm is { } o ? $" (vm {vmName(o) ?? o.ToString()})" : ""))],
            CreatedAt = v.CreatedAt,
        };
    }

    public static string Handle(VolumeRecord v) => $"{VolumeStore.KindName(v.Kind)}:{v.Name}";

    /// <summary>The file's length: for qcow2 about what it takes on the host's disk (overlays take little).</summary>
    private static long? ActualSize(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : null;
    }
}
