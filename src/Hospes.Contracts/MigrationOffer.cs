using Hospes.Contracts.Vms;

namespace Hospes.Contracts;

/// <summary>Host to host (`/v1/peer/migrations`): the source asks the destination to take a VM.</summary>
public sealed record MigrationOffer
{
    public required VmSpecDto Spec { get; init; }

    /// <summary>The RAM the source's QEMU booted with: the incoming QEMU must have exactly as much.</summary>
    public required int RamMib { get; init; }

    /// <summary>Whether the guest runs (else it stays paused there too).</summary>
    public bool Running { get; init; }

    public required string SourceHost { get; init; }
    public required string QemuVersion { get; init; }
    public required string Accel { get; init; }
    public string? CpuModel { get; init; }

    /// <summary>Disks the destination makes empty and receives by block mirror (by vdev), with their sizes.</summary>
    public IReadOnlyList<MigratedDisk> MirroredDisks { get; init; } = [];

    /// <summary>Small read-only local disks (a NoCloud seed) sent whole, base64, by vdev.</summary>
    public IReadOnlyDictionary<string, string> InlineDisks { get; init; } = new Dictionary<string, string>();

    /// <summary>The guest's SSH host key (OpenSSH private key text) that hospesd made and `hospes ssh` checks; null when it has none.</summary>
    public string? SshHostKey { get; init; }

    /// <summary>The VM's project on the source; it lands in the same-named project here (null, from an older source: default).</summary>
    public string? Project { get; init; }

    public bool Postcopy { get; init; }

    /// <summary>The source's QEMU has the guest agent's channel (a device more); null from a hospesd older than the channel, whose QEMUs have none.</summary>
    public bool? AgentChannel { get; init; }
    public bool DryRun { get; init; }

    /// <summary>The source's TLS identity for the stream and the disk copies; null in a dry run.</summary>
    public MigrationTls? Tls { get; init; }

    /// <summary>
    /// For a VM that boots with a bootloader (pygrub): the kernel, initrd and arguments its source extracted at its
    /// start, which the guest's RAM holds; the destination boots them instead of reading a disk the guest is writing.
    /// </summary>
    public MigratedBoot? Boot { get; init; }
}

/// <summary>An extracted kernel (base64), its initrd (base64, null: none) and the boot menu's arguments.</summary>
public sealed record MigratedBoot(string Kernel, string? Initrd, string Args);

/// <summary>
/// One side's TLS identity for a migration's QEMU channels: the name its QEMU's certificate carries, and the CA made for
/// this migration that signed it (PEM). The pinned peer API vouches for both.
/// </summary>
public sealed record MigrationTls(string Name, string CaCertificate);

/// <summary>A disk the destination receives by mirror.</summary>
public sealed record MigratedDisk(string Vdev, long VirtualSize);

/// <summary>The destination's answer: where to send the stream and the disks, or why not.</summary>
public sealed record MigrationPrepared
{
    public string? Id { get; init; }
    public IReadOnlyList<MigrationCheck> Checks { get; init; } = [];

    /// <summary>The port its QEMU listens on for the stream (on the address the source reaches it at).</summary>
    public int MigratePort { get; init; }
    public int? NbdPort { get; init; }

    /// <summary>NBD export name per mirrored vdev.</summary>
    public IReadOnlyDictionary<string, string> Exports { get; init; } = new Dictionary<string, string>();

    /// <summary>The destination's TLS identity; null when nothing was prepared.</summary>
    public MigrationTls? Tls { get; init; }
}

/// <summary>
/// After the stream completed: the destination continues the guest (or leaves it paused). A probe only walks the
/// same path before the switch-over, so nothing on it is cold (first-use compilation) while the guest is stopped.
/// </summary>
public sealed record MigrationFinish(bool Run, bool Postcopy, bool Probe = false);

/// <summary>The destination's confirmation that the guest is its now, with when its QEMU resumed.</summary>
/// <remarks>
/// <paramref name="ReceivedAt"/> (the request arrived) and <paramref name="StreamCompleteAt"/> (this QEMU had the whole
/// stream) time the destination's part of a switch-over for the source's log.
/// </remarks>
public sealed record MigrationFinished(string State, DateTimeOffset? ResumedAt, DateTimeOffset? ReceivedAt = null, DateTimeOffset? StreamCompleteAt = null);
