namespace Hospes.Host.Cluster.Store;

/// <summary>An etcd member; <paramref name="Name"/> is empty for one added but not started yet.</summary>
internal sealed record StoreMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool Learner);
