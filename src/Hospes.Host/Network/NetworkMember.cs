namespace Hospes.Host.Network;

/// <summary>A VM's vif on a network, with the address reserved for it.</summary>
internal sealed record NetworkMember(string Vm, string? Ip);
