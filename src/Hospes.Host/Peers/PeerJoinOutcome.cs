namespace Hospes.Host.Peers;

/// <summary>What became of a join token presented by another host.</summary>
internal enum PeerJoinOutcome
{
    Joined,
    UnknownToken,
    ExpiredToken,
    Clash,
}
