namespace Hospes.Host.Cluster.Store;

/// <summary>A key, its value, its create and modify revisions, and the lease it lives on (0: none).</summary>
internal sealed record StoreEntry(string Key, string Value, long CreateRevision, long ModRevision, long Lease);
