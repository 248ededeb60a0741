using System.Text.Json;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Tests.Qmp;

public class QmpBalloonTests
{
    [Fact]
    public void GuestStats_UnreportedValuesAreNull_AndNoUpdateMeansNoDriverSentAny()
    {
        // As QEMU 10 answered qom-get guest-stats for the tiny guest (2^64-1: not reported).
        BalloonStats s = QmpBalloon.ParseStats(Parse("""
            {"stats": {"stat-available-memory": 461594624, "stat-free-memory": 461852672, "stat-total-memory": 491937792,
             "stat-disk-caches": 2842624, "stat-oom-kills": 18446744073709551615, "stat-swap-in": 0}, "last-update": 1795349784}
            """));
        Assert.Equal((491937792L, 461852672L, 461594624L, 2842624L), (s.TotalBytes!.Value, s.FreeBytes!.Value, s.AvailableBytes!.Value, s.DiskCachesBytes!.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795349784), s.UpdatedAt);

        BalloonStats none = QmpBalloon.ParseStats(Parse("""{"stats": {"stat-free-memory": 18446744073709551615}, "last-update": 0}"""));
        Assert.Equal(new BalloonStats(null, null, null, null, null), none);
    }

    [Fact]
    public void Driver_IsReadyWithDriverOk_AndItsFeaturesAreTheGuestsAccepted()
    {
        BalloonDriver d = QmpBalloon.ParseDriver(Parse("""
            {"status": {"statuses": ["VIRTIO_CONFIG_S_ACKNOWLEDGE: Valid virtio device found", "VIRTIO_CONFIG_S_DRIVER: Guest OS compatible with device", "VIRTIO_CONFIG_S_DRIVER_OK: Driver setup and ready"]},
             "guest-features": {"dev-features": ["VIRTIO_BALLOON_F_REPORTING: Page reporting VQ enabled", "VIRTIO_BALLOON_F_DEFLATE_ON_OOM: Deflate balloon when guest OOM", "VIRTIO_BALLOON_F_STATS_VQ: Guest memory stats VQ available"]},
             "host-features": {"dev-features": ["VIRTIO_BALLOON_F_PAGE_POISON: Guest page poisoning enabled"]}}
            """));
        Assert.Equal(new BalloonDriver(Ready: true, FreePageReporting: true, Statistics: true, DeflateOnOom: true), d);

        BalloonDriver booting = QmpBalloon.ParseDriver(Parse("""{"status": {"statuses": []}, "guest-features": {"dev-features": ["VIRTIO_BALLOON_F_REPORTING: x"]}}"""));
        Assert.Equal(new BalloonDriver(false, false, false, false), booting);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
