namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>A text file Hospes writes into the guest (scripts, inittab); part of the image's inputs hash.</summary>
internal sealed record GuestFile(string Path, int Mode, string Content);
