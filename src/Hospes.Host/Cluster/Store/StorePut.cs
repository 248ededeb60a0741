namespace Hospes.Host.Cluster.Store;

/// <summary>One key to write, on <paramref name="Lease"/> (0: it lives until deleted).</summary>
internal sealed record StorePut(string Key, string Value, long Lease = 0);
