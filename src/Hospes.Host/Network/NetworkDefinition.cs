namespace Hospes.Host.Network;

/// <summary>A network to create (`hospes network create`).</summary>
/// <param name="Subnet">IPv4 CIDR; the host gets the first address on the bridge.</param>
/// <param name="Mode">nat or isolated.</param>
/// <param name="Bridge">The Linux bridge; the network's name when null.</param>
/// <param name="Project">The project it belongs to.</param>
internal sealed record NetworkDefinition(string Name, string Subnet, string Mode, string? Bridge, string Project = State.StateDb.DefaultProject);
