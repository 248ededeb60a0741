namespace Hospes.Contracts;

/// <summary>`hospes migrate VM HOST`: move a running VM to another host this one trusts.</summary>
public sealed record MigrateRequest
{
    /// <summary>The destination, by the name `hospes host add` gave it.</summary>
    public required string Host { get; init; }

    /// <summary>Stop the guest, copy its memory at full speed, continue it there (xm migrate without --live).</summary>
    public bool Offline { get; init; }

    /// <summary>Copy the VM's local disks (NBD + block mirror) instead of requiring them on shared storage.</summary>
    public bool CopyStorage { get; init; }

    /// <summary>The longest pause the guest may see at the switch-over, in ms (default 50).</summary>
    public int? DowntimeMs { get; init; }

    /// <summary>Switch to post-copy when pre-copy does not converge quickly (the guest runs there and pulls its pages).</summary>
    public bool Postcopy { get; init; }

    /// <summary>Only check: CPU, memory, storage and networks on the destination.</summary>
    public bool DryRun { get; init; }

    /// <summary>How long pre-copy may try to converge before the migration fails (or switches to post-copy), in s.</summary>
    public int? ConvergeTimeoutS { get; init; }

    /// <summary>For comparison (bench/): leave QEMU's own bandwidth cap, downtime limit and no auto-converge.</summary>
    public bool QemuDefaults { get; init; }
}
