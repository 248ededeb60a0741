namespace Hospes.Host.Vms.Forks;

/// <summary>What `hospes fork` asks for: <paramref name="Name"/> is the fork's name, or a pattern with {i} for 1..Count.</summary>
internal sealed record ForkOrder(string Name, int Count);
