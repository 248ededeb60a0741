namespace Hospes.Storage.Tiny.Elf;

/// <summary>A file to copy from an unpacked package tree into the initramfs; GuestPath is relative ("usr/sbin/dropbear").</summary>
internal sealed record ProgramFile(string GuestPath, string SourcePath, int Mode);
