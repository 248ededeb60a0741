namespace Hospes.Storage.Debian;

/// <summary>Units a template guest does not need at boot; masked because every second counts under TCG.</summary>
internal static class BootTuning
{
    public static IReadOnlyList<string> MaskedUnits { get; } =
    [
        // Periodic maintenance: pointless in a short-lived clone, and it competes with the guest's work.
        "apt-daily.timer",
        "apt-daily-upgrade.timer",
        "dpkg-db-backup.timer",
        "e2scrub_all.timer",
        "e2scrub_reap.service",
        "fstrim.timer",
        "man-db.timer",
        "systemd-timesyncd.service",
        // Would wait up to two minutes for a network that the guest may not have.
        "systemd-networkd-wait-online.service",
        // The image's machine-id is empty on purpose (each clone makes its own); firstboot must not prompt on the console.
        "systemd-firstboot.service",
    ];

    /// <summary>Masks the units as `systemctl mask` does: a link to /dev/null in /etc/systemd/system.</summary>
    public static void MaskIn(string root)
    {
        string dir = Path.Combine(root, "etc", "systemd", "system");
        Directory.CreateDirectory(dir);
        foreach (string unit in MaskedUnits)
        {
            string link = Path.Combine(dir, unit);
            File.Delete(link);
            File.CreateSymbolicLink(link, "/dev/null");
        }
    }
}
