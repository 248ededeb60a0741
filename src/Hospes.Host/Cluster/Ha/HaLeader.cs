using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// The cluster's one scheduler and HA leader: the host whose name is the value of `election/leader`, a key created
/// only when absent (compare-create) on that host's membership lease, so it goes when the leader's lease expires or is
/// revoked and another host creates it.
/// </summary>
internal static class HaLeader
{
    /// <summary>The leader's name, or null when there is none.</summary>
    public static string? HostOf(StoreEntry? key) => key is { Value.Length: > 0 } ? key.Value : null;

    /// <summary>Whether <paramref name="key"/> says this host (on its current lease) leads.</summary>
    public static bool Leads(StoreEntry? key, string host, long lease) => key is not null && lease != 0 && key.Value == host && key.Lease == lease;
}
