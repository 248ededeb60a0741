namespace Hospes.Core.Vms;

/// <summary>What happens when a guest powers off, reboots or crashes (xl's on_poweroff/on_reboot/on_crash).</summary>
public enum LifecycleAction
{
    Destroy,
    Restart,
    Preserve,
    RenameRestart,
}
