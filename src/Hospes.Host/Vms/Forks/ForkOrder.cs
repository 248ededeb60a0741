namespace Hospes.Host.Vms.Forks;

/// <summary>What `hospes fork` asks for: <paramref name="Name"/> is the fork's name, or a pattern with {i} for 1..Count.</summary>
/// <param name="Freeze">The parent stays frozen at the fork point (a template of its running state) instead of running on.</param>
/// <param name="Template">The forks are made frozen at the fork point (running templates), not started.</param>
internal sealed record ForkOrder(string Name, int Count, bool Freeze = false, bool Template = false);
