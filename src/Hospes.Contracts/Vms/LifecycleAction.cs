namespace Hospes.Contracts.Vms;

/// <summary>What happens when a guest powers off, reboots or crashes, on the wire ("destroy", "rename_restart", ...).</summary>
public enum LifecycleAction
{
    Destroy,
    Restart,
    Preserve,
    RenameRestart,
}
