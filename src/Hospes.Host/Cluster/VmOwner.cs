namespace Hospes.Host.Cluster;

/// <summary>The value of a VM's `vms/` key: the host that owns it (defines it, runs it, answers for it).</summary>
internal sealed record VmOwner(string Host, string Uuid, DateTimeOffset Since);
