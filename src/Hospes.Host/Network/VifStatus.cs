namespace Hospes.Host.Network;

/// <summary>One network interface of a VM and where it goes on this host.</summary>
/// <param name="Network">The Hospes network, or null for a host bridge Hospes does not manage.</param>
/// <param name="Bridge">The bridge, or "(missing: NAME)" when neither network nor host bridge exists.</param>
/// <param name="Tap">The host's tap while the VM runs.</param>
internal sealed record VifStatus(int Index, string? Mac, string? Ip, string Model, string? Network, string Bridge, string? Tap);
