using Hospes.Host.Migration;

namespace Hospes.Host.Tests;

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
}
