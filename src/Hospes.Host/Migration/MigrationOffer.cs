using Hospes.Core.Vms;

namespace Hospes.Host.Migration;

/// <summary>The source asks the destination to take a VM: what the destination needs to know to check and prepare it.</summary>
internal sealed record MigrationOffer
{
    public required VmSpec Spec { get; init; }

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

    /// <summary>The VM's project there, and so here: the destination refuses the offer when it has no such project.</summary>
    public string Project { get; init; } = State.StateDb.DefaultProject;

    public bool Postcopy { get; init; }

    /// <summary>The source's QEMU has the guest agent's channel, so the destination's must have it too (its device state names it).</summary>
    public bool AgentChannel { get; init; }
    public bool DryRun { get; init; }

    /// <summary>The source's TLS identity for the stream and the disk copies; null in a dry run.</summary>
    public MigrationTlsPeer? Tls { get; init; }

    /// <summary>For a pygrub VM: what its source extracted at its start (#15); the destination never reads the disk for it.</summary>
    public MigratedBoot? Boot { get; init; }
}

/// <summary>An extracted kernel (base64), its initrd (base64, null: none) and the boot menu's arguments.</summary>
internal sealed record MigratedBoot(string Kernel, string? Initrd, string Args);

/// <summary>A disk the destination receives by mirror.</summary>
internal sealed record MigratedDisk(string Vdev, long VirtualSize);
