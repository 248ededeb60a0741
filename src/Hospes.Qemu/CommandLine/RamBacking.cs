namespace Hospes.Qemu.CommandLine;

/// <summary>
/// The guest's RAM as a file on tmpfs. <paramref name="Private"/> false: a forkable VM's own file, mapped shared (every
/// write lands in the file). True: a fork's, the file its parent left at the fork point, opened read-only and mapped
/// privately (readonly=on,rom=off), so this QEMU's writes are copies of its own and the file never changes.
/// </summary>
public sealed record RamBacking(string Path, bool Private);
