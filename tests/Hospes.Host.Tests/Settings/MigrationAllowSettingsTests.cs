using Hospes.Host.Settings;

namespace Hospes.Host.Tests.Settings;

/// <summary>migration.allow_*: what a spec from another host or a save file may use besides the store (#2).</summary>
public sealed class MigrationAllowSettingsTests
{
    [Fact]
    public void TheLists_AreRead_CommaSeparated_PathsMadeFull()
    {
        HostOptions o = new();
        o = HostSettings.Apply(o, "migration.allow_paths", "/srv/shared/, /dev/vg0").Value;
        o = HostSettings.Apply(o, "migration.allow_bridges", "br0,br1").Value;
        o = HostSettings.Apply(o, "migration.allow_pci", "0000:06:02.0").Value;

        Assert.Equal(["/srv/shared", "/dev/vg0"], o.AllowPaths);
        Assert.Equal(["br0", "br1"], o.AllowBridges);
        Assert.Equal(["0000:06:02.0"], o.AllowPci);
        Assert.Empty(new HostOptions().AllowPaths);
    }

    [Theory]
    [InlineData("migration.allow_paths", "srv/shared", "expected absolute folders")]
    [InlineData("migration.allow_bridges", "../br0", "expected bridge names")]
    [InlineData("migration.allow_pci", "06:02.0", "expected PCI addresses")]
    public void ABadValue_IsAnError_SayingWhatIsExpected(string key, string value, string expected) =>
        Assert.Contains(expected, HostSettings.Apply(new HostOptions(), key, value).Error!.Message, StringComparison.Ordinal);
}
