namespace Hospes.Host.Network;

/// <summary>A port forward to add (`hospes port-forward add`).</summary>
/// <param name="Protocol">tcp or udp, any case.</param>
/// <param name="Vif">Which of the VM's vifs; the first on a Hospes network when null.</param>
internal sealed record ForwardSpec(string Protocol, int HostPort, int GuestPort, int? Vif);
