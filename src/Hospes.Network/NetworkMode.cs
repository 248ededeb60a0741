namespace Hospes.Network;

/// <summary>What a network's guests may reach besides each other.</summary>
public enum NetworkMode
{
    /// <summary>Everything the host reaches, masqueraded behind the host's address; nothing reaches them unless forwarded.</summary>
    Nat,

    /// <summary>Only each other and the bridge's own address (DHCP and DNS); port forwards still come in.</summary>
    Isolated,
}
