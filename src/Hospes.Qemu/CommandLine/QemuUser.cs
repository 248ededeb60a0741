namespace Hospes.Qemu.CommandLine;

/// <summary>
/// The uid and gid a QEMU drops to (-run-with user=UID:GID) once it has opened its disks, taps, sockets and logs as
/// root: numbers only, so no passwd entry is needed.
/// </summary>
public sealed record QemuUser(int Uid, int Gid);
