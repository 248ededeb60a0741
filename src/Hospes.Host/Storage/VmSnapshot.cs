namespace Hospes.Host.Storage;

/// <summary>An internal snapshot of a VM: one qcow2 snapshot of that name on each of <paramref name="Disks"/> (vdevs).</summary>
/// <param name="VmStateBytes">Bytes of saved guest memory; 0 for a disk-only snapshot of a stopped VM.</param>
internal sealed record VmSnapshot(string Name, DateTimeOffset CreatedAt, long VmStateBytes, IReadOnlyList<string> Disks);
