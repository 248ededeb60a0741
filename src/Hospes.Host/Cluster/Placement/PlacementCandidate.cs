namespace Hospes.Host.Cluster.Placement;

/// <summary>A member host as placement sees it: up (its lease lives), cordoned (takes no new VMs), its last figures.</summary>
internal sealed record PlacementCandidate(string Name, bool Up, bool Cordoned, HostResources? Resources);
