namespace Hospes.Core.Vms;

/// <summary>
/// What <see cref="VmTransitions"/> needs to know of a VM: its name, state, whether a QEMU runs for it, its save file,
/// and whether it is still this host's (<paramref name="Elsewhere"/>: the host a migrated VM runs on).
/// </summary>
public readonly record struct VmSubject(string Name, VmState State, bool HasQemu, string? SavePath = null, VmPresence Presence = VmPresence.Here, string? Elsewhere = null);
