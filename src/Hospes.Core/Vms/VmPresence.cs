namespace Hospes.Core.Vms;

/// <summary>
/// Whether a VM is still this host's. Once it is not, its queue refuses every command, whatever its state: a command
/// queued behind its deletion or its migration must never boot it here again.
/// </summary>
public enum VmPresence
{
    Here,

    /// <summary>Deleted here (`hospes delete`, or a create that was undone).</summary>
    Deleted,

    /// <summary>Live-migrated to another host, which runs it now.</summary>
    Migrated,

    /// <summary>An incoming migration that was dropped before the guest ran here.</summary>
    Dropped,
}
