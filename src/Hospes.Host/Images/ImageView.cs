using Hospes.Host.State;
using Hospes.Storage.Images;

namespace Hospes.Host.Images;

/// <summary>An image of the store by name: a boot image (a folder with image.json), a disk image (a row of the store), or both.</summary>
internal sealed record ImageView(string Name, BootImage? Boot, VolumeRecord? Disk);
