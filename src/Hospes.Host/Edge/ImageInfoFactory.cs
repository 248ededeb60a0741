using Hospes.Contracts;
using Hospes.Host.Images;

namespace Hospes.Host.Edge;

/// <summary>An image in wire form: a boot image's kernel and parameters, and its disk in the store when it has one.</summary>
internal static class ImageInfoFactory
{
    public static ImageInfo Create(ImageView view)
    {
        ImageInfo? boot = view.Boot is { } b
            ? new ImageInfo { Name = b.Name, Kind = b.Kind, Kernel = b.Kernel, Initrd = b.Initrd, DefaultCmdline = b.DefaultCmdline, BuiltAt = b.BuiltAt }
            : null;
        if (view.Disk is not { } v)
        {
            return boot ?? throw new InvalidOperationException($"image {view.Name} has neither a boot image nor a disk");
        }

        return (boot ?? new ImageInfo { Name = v.Name, Kind = "disk", BuiltAt = v.CreatedAt }) with { Disk = v.Path, VirtualSizeBytes = v.VirtualSize };
    }
}
