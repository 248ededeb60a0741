namespace Hospes.Bench.Clones;

/// <summary>What the running clones cost the host, per VM.</summary>
internal sealed record MemoryUse(double PssMibPerVm, double AvailableDropMibPerVm);
