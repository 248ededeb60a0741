namespace Hospes.Host.Peers;

/// <summary>Who a host is, as it tells other hosts (the answer to a join and to hello): its name and certificate fingerprint.</summary>
internal sealed record PeerIdentity(string Name, string Fingerprint);
