namespace Hospes.Host.State;

/// <summary>What became of a join token presented by another host.</summary>
internal enum PeerJoinOutcome
{
    Joined,
    UnknownToken,
    ExpiredToken,
    Clash,
}
