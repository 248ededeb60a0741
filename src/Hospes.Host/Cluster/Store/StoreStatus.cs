namespace Hospes.Host.Cluster.Store;

/// <summary>The member a client reached (<paramref name="Endpoint"/>): its id and its leader's.</summary>
internal sealed record StoreStatus(ulong MemberId, ulong LeaderId, string Endpoint);
