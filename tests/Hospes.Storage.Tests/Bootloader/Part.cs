namespace Hospes.Storage.Tests.Bootloader;

/// <summary>A partition for <see cref="BootDisk.PartitionedAsync"/>: size, sfdisk type, and the image to copy in.</summary>
internal sealed record Part(int SizeMiB, string Type, string? Image, bool Bootable = false);
