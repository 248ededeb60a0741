namespace Hospes.Host.Cluster;

/// <summary>
/// The value of a VM's `vms/` key: the host that owns it (defines it, runs it, answers for it), and the project it
/// counts in (null in a claim made before projects were counted cluster-wide: such a VM counts in none).
/// </summary>
internal sealed record VmOwner(string Host, string Uuid, DateTimeOffset Since, string? Project = null);
