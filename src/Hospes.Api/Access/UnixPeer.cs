namespace Hospes.Api.Access;

/// <summary>The process at the other end of a unix socket connection, as the kernel tells (SO_PEERCRED).</summary>
internal sealed record UnixPeer(int Pid, int Uid, int Gid);
