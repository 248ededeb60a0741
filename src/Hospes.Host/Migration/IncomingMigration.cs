using Hospes.Host.Vms;

namespace Hospes.Host.Migration;

/// <summary>A VM this host is receiving: defined, its QEMU waiting for the stream, until finish or abort.</summary>
internal sealed record IncomingMigration(string Id, VmActor Actor, string FromPeer, DateTimeOffset PreparedAt, bool Postcopy);
