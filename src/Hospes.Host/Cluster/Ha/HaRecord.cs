namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// The value of an HA VM's `ha/&lt;vm&gt;` key: its definition as its config (uuid, MACs and disks as defined), so the
/// host the leader picks can define and start it when its owner dies.
/// </summary>
internal sealed record HaRecord(string Name, string Uuid, string Project, int MemoryMib, string Config, DateTimeOffset At);
