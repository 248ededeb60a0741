using System.Reflection;
using Hospes.Contracts;

namespace Hospes.Client.Tests.Contracts;

public sealed class RoutesTests
{
    private static readonly string[] Templates = [.. typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void EveryRoute_IsUnderV1_AndThereIsOneTemplatePerPath()
    {
        Assert.True(Templates.Length >= 50, $"only {Templates.Length} routes");
        Assert.All(Templates, t => Assert.StartsWith("/v1/", t + "/", StringComparison.Ordinal));
        Assert.Equal(Templates.Length, Templates.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Path_FillsEachParameterInOrder_EscapingItAsOneSegment()
    {
        Assert.Equal("/v1/vms/web/start", Routes.Path(Routes.VmStart, "web"));
        Assert.Equal("/v1/vms/a%2Fb/snapshots/s%201/revert", Routes.Path(Routes.VmSnapshotRevert, "a/b", "s 1"));
        Assert.Equal("/v1/vms/web/port-forwards/tcp/2222", Routes.Path(Routes.VmPortForward, "web", "tcp", "2222"));
    }

    [Fact]
    public void Path_WithTheWrongNumberOfSegments_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Routes.Path(Routes.VmSnapshot, "web"));
        Assert.Throws<ArgumentException>(() => Routes.Path(Routes.Vms, "web"));
    }

    [Fact]
    public void Query_EscapesItsValue_AndJoinsWithWhatIsThere()
    {
        Assert.Equal("/v1/disk?name=web%2Fxvda", Routes.Query(Routes.Disk, "name", "web/xvda"));
        Assert.Equal("/v1/disk?name=a&force=true", Routes.Query(Routes.Query(Routes.Disk, "name", "a"), "force", "true"));
    }
}
