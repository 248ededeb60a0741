namespace Hospes.Network.Interfaces;

/// <summary>One network interface as <c>ip -d link</c> shows it.</summary>
/// <param name="Kind">The driver kind: "bridge", "tun" (taps too), "veth", ...; null for plain devices (lo, most NICs).</param>
/// <param name="IsUp">Administratively up (the UP flag); a bridge without ports is up but has no carrier.</param>
public sealed record LinkInfo(string Name, string? Kind, string? Master, string? Alias, bool IsUp, string? Mac);
