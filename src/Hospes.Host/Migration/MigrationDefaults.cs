using Hospes.Core.Vms;

namespace Hospes.Host.Migration;

/// <summary>
/// The settings Hospes migrates with so users need not choose them. Measured on this project's machines (TCG,
/// loopback, 256 MiB guest dirtying ≈127 MiB/s): QEMU's defaults (128 MiB/s cap, 300 ms limit) never converge;
/// an 8 GiB/s cap with a 50 ms limit converges in ≈0.6 s with 23–36 ms downtime.
/// </summary>
internal static class MigrationDefaults
{
    /// <summary>QEMU's max-bandwidth, bytes/s: effectively "as fast as the link goes".</summary>
    public const long BandwidthBytesPerSecond = 8L << 30;

    public const int DowntimeMs = 50;

    /// <summary>
    /// QEMU's downtime-limit for a guest-visible downtime of <paramref name="targetMs"/>. The guest stays stopped
    /// after QEMU's part too: until the destination hears of the end and continues it, about one round trip of the
    /// switch-over's request (<paramref name="switchover"/>, timed just before). QEMU gets what is left, never less
    /// than half the target (a slow link would otherwise leave it nothing to converge with).
    /// </summary>
    public static int QemuDowntimeLimitMs(int targetMs, TimeSpan switchover) =>
        Math.Max(Math.Max(1, targetMs / 2), targetMs - (int)Math.Ceiling(switchover.TotalMilliseconds));

    /// <summary>How long pre-copy may try before the migration fails (or, with --postcopy, switches).</summary>
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>With --postcopy: pre-copy gets this long to converge by itself first.</summary>
    public static readonly TimeSpan PostcopyAfter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A bootloader's extracted kernel and initrd, together, travel inside the offer up to this size (base64 makes it
    /// a third more; an offer's body is at most 256 MiB).
    /// </summary>
    public const long BootFilesLimitBytes = 128L << 20;

    /// <summary>Read-only local disks (a NoCloud seed) up to this size travel inside the offer.</summary>
    public const long InlineDiskLimitBytes = 16L << 20;

    /// <summary>
    /// Whether this QEMU tracks the pages a running guest dirties correctly. QEMU before 9.0 under TCG lost
    /// guest writes in 11 of 11 live migrations measured here (an upstream bug fixed in 9.0); such a guest is
    /// migrated paused instead.
    /// </summary>
    public static bool DirtyTrackingSound(Version qemu, string accel) =>
        !(string.Equals(accel, nameof(Accelerator.Tcg), StringComparison.OrdinalIgnoreCase) && qemu < new Version(9, 0));
}
