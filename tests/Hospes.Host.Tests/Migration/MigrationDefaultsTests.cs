using Hospes.Host.Migration;

namespace Hospes.Host.Tests.Migration;

public class MigrationDefaultsTests
{
    [Theory]
    [InlineData("7.2.0", "tcg", false)]
    [InlineData("8.2.2", "tcg", false)]
    [InlineData("9.0.0", "tcg", true)]
    [InlineData("10.0.2", "tcg", true)]
    [InlineData("7.2.0", "kvm", true)]
    public void DirtyTracking_IsUnsoundOnlyForTcgBeforeQemu9(string version, string accel, bool sound) =>
        Assert.Equal(sound, MigrationDefaults.DirtyTrackingSound(Version.Parse(version), accel));

    [Theory]
    [InlineData(50, 6.2, 43)] // loopback: QEMU gets the target less the measured round trip
    [InlineData(50, 0, 50)]
    [InlineData(50, 80, 25)] // a slow link: never less than half the target
    [InlineData(1, 10, 1)]
    [InlineData(300, 12, 288)]
    public void QemuDowntimeLimit_IsTheTargetLessTheSwitchoverRoundTrip_AtLeastHalf(int target, double probeMs, int expected) =>
        Assert.Equal(expected, MigrationDefaults.QemuDowntimeLimitMs(target, TimeSpan.FromMilliseconds(probeMs)));
}
