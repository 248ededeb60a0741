using Hospes.Host.State;

namespace Hospes.Host.Memory;

/// <summary>One VM's memory: its record, its balloon as last seen, and how old the guest's statistics are.</summary>
internal sealed record VmMemoryStatus(VmRecord Vm, VmMemoryState Memory, TimeSpan? StatsAge);
