using System.Net;

namespace Hospes.Network.Firewall;

/// <summary>The ports an incoming migration's QEMU listens on (<paramref name="Listen"/>), and the only address that may reach them.</summary>
public sealed record MigrationOpening(string Id, IPAddress Listen, IPAddress Source, IReadOnlyList<int> Ports);
