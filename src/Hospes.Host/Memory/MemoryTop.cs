namespace Hospes.Host.Memory;

/// <summary>`hospes top`: the host, every VM with a QEMU (by name), and the policy's recent actions (newest first).</summary>
internal sealed record MemoryTop(HostMemoryStatus Host, IReadOnlyList<VmMemoryStatus> Vms, IReadOnlyList<PolicyAction> Actions);
