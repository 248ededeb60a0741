namespace Hospes.Host.Migration;

/// <summary>The destination's answer to an offer: where to send the stream and the disks, or (checks failed, dry run) why not.</summary>
internal sealed record MigrationPrepared
{
    /// <summary>The incoming migration's id there; null when nothing was prepared.</summary>
    public string? Id { get; init; }
    public IReadOnlyList<MigrationCheck> Checks { get; init; } = [];

    /// <summary>The port its QEMU listens on for the stream (on the address the source reaches it at).</summary>
    public int MigratePort { get; init; }
    public int? NbdPort { get; init; }

    /// <summary>NBD export name per mirrored vdev.</summary>
    public IReadOnlyDictionary<string, string> Exports { get; init; } = new Dictionary<string, string>();

    /// <summary>The destination's TLS identity: its QEMU's name and the CA that signed it; null when nothing was prepared.</summary>
    public MigrationTlsPeer? Tls { get; init; }
}

/// <summary>One check before a migration; a failed one names what to do.</summary>
internal sealed record MigrationCheck(string Name, bool Ok, string Message);
