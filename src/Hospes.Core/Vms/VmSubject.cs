namespace Hospes.Core.Vms;

/// <summary>What <see cref="VmTransitions"/> needs to know of a VM: its name, state, whether a QEMU runs for it, its save file.</summary>
public readonly record struct VmSubject(string Name, VmState State, bool HasQemu, string? SavePath = null);
