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
    /// The RAM stream's TLS connections (QEMU's multifd channels), and how their pages are packed (multifd-compression).
    /// QEMU's TLS channel makes a record and a send() of every piece it writes: a single stream sends each 4 KiB page as two
    /// (its 8-byte header, then the page), and its migration thread, busy with that, carried 250-500 MB/s here against
    /// 0.5-1 GB/s in the clear; a busy guest dirtying ~300 MiB/s then converged only once auto-converge throttled it
    /// (≈10 s against 0.5-0.7 s). Multifd channels alone did not help (the pages stay one record each); zstd packs a
    /// channel's 512 KiB batch into one buffer, so few records, and converged in 0.34 s. See docs/benchmarks.md, run 7.
    /// </summary>
    public const int StreamChannels = 2;

    /// <inheritdoc cref="StreamChannels"/>
    public const string StreamCompression = "zstd";

    /// <summary>The most channels a destination accepts in an offer.</summary>
    public const int MaxStreamChannels = 8;

    /// <summary>
    /// Whether an offer's stream settings are ones a destination may apply: one plain stream (0 channels, no
    /// compression), or 1-<see cref="MaxStreamChannels"/> channels, packed with zstd or not at all.
    /// </summary>
    public static bool IsStream(int channels, string? compression) =>
        channels == 0 ? compression is null : channels is >= 1 and <= MaxStreamChannels && compression is null or StreamCompression;

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
