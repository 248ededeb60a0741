namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// The value of `hafrozen/&lt;host&gt;` (no lease): <paramref name="Host"/>'s hospesd stopped cleanly at
/// <paramref name="At"/> while the HA VMs <paramref name="Vms"/> ran there; their QEMUs run on without it, so the
/// leader moves none of that host's VMs until the host deletes the key when its hospesd is back, or an admin removes it.
/// </summary>
internal sealed record HaFreeze(string Host, DateTimeOffset At, string Why, IReadOnlyList<string> Vms);
