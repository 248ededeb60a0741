namespace Hospes.Qemu.Qmp;

internal static class QemuRunStateParser
{
    public static QemuRunState Parse(string? status) => status switch
    {
        "running" => QemuRunState.Running,
        "paused" or "suspended" or "prelaunch" or "debug" or "save-vm" or "restore-vm" or "finish-migrate" or "colo" => QemuRunState.Paused,
        "shutdown" => QemuRunState.Shutdown,
        "guest-panicked" or "internal-error" or "io-error" or "watchdog" => QemuRunState.GuestPanicked,
        "inmigrate" => QemuRunState.InMigrate,
        "postmigrate" => QemuRunState.PostMigrate,
        _ => QemuRunState.Other,
    };
}
