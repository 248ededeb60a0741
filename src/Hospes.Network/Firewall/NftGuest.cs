using System.Net;

namespace Hospes.Network.Firewall;

/// <summary>A guest's port on the network's bridge (its tap), and the only MAC and address it may send with.</summary>
/// <param name="Tap">The tap's name, as QEMU made it.</param>
/// <param name="Mac">The vif's MAC, aa:bb:cc:dd:ee:ff.</param>
/// <param name="Ip">The address Hospes reserved for the vif.</param>
public sealed record NftGuest(string Tap, string Mac, IPAddress Ip);
