namespace Hospes.Host.Cluster.Store;

/// <summary>A condition of a transaction: <paramref name="Key"/>'s value is <paramref name="Value"/>; null: the key does not exist.</summary>
internal sealed record StoreCompare(string Key, string? Value);
