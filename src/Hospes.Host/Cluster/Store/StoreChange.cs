namespace Hospes.Host.Cluster.Store;

/// <summary>A change a watch saw; <paramref name="Deleted"/> false: a put.</summary>
internal sealed record StoreChange(string Key, string? Value, bool Deleted, long Revision);
