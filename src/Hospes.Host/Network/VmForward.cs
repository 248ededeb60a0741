namespace Hospes.Host.Network;

/// <summary>A port forward as it stands: traffic to a port of the host goes to a port of a VM's vif.</summary>
/// <param name="GuestIp">The vif's address; empty when the vif is gone.</param>
/// <param name="Network">The vif's Hospes network; empty when it has none.</param>
internal sealed record VmForward(string Vm, string Protocol, int HostPort, int GuestPort, string GuestIp, string Network);
