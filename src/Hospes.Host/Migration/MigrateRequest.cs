namespace Hospes.Host.Migration;

/// <summary>`hospes migrate VM HOST`: how to move a VM to a host this one trusts.</summary>
internal sealed record MigrateRequest
{
    /// <summary>The destination, by the name `hospes host add` gave it.</summary>
    public required string Host { get; init; }

    /// <summary>Stop the guest, copy its memory at full speed, continue it there.</summary>
    public bool Offline { get; init; }

    /// <summary>Copy the VM's local disks (NBD + block mirror) instead of requiring them on shared storage.</summary>
    public bool CopyStorage { get; init; }

    /// <summary>The longest pause the guest may see at the switch-over, in ms; null: <see cref="MigrationDefaults.DowntimeMs"/>.</summary>
    public int? DowntimeMs { get; init; }

    /// <summary>Switch to post-copy when pre-copy does not converge quickly.</summary>
    public bool Postcopy { get; init; }

    /// <summary>Only check, on the destination; nothing is defined there.</summary>
    public bool DryRun { get; init; }

    /// <summary>How long pre-copy may try to converge, in s; null: <see cref="MigrationDefaults.ConvergeTimeout"/>.</summary>
    public int? ConvergeTimeoutS { get; init; }

    /// <summary>For comparison (bench/): leave QEMU's own bandwidth cap, downtime limit and no auto-converge.</summary>
    public bool QemuDefaults { get; init; }
}
