using Hospes.Core.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

public sealed class HostPathInspectorTests
{
    [Fact]
    public void ALinkInsideAFolder_IsSeenWhereItLeads_AndDotDotAppliesAfterTheLink()
    {
        string dir = Directory.CreateTempSubdirectory("hpi-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "store"));
            Directory.CreateDirectory(Path.Combine(dir, "outside", "deep"));
            File.WriteAllText(Path.Combine(dir, "outside", "x"), "");
            File.CreateSymbolicLink(Path.Combine(dir, "store", "link"), Path.Combine(dir, "outside", "deep"));

            // Lexically store/x; the kernel goes to outside/deep, then up to outside, then x.
            HostPathInfo info = HostPathInspector.Instance.Inspect(Path.Combine(dir, "store", "link", "..", "x"));

            Assert.Equal(Path.Combine(dir, "outside", "x"), info.RealPath);
            Assert.Equal(HostPathKind.File, info.Kind);
            Assert.Equal(HostPathKind.CharacterDevice, HostPathInspector.Instance.Inspect("/dev/null").Kind);
            Assert.Equal(HostPathKind.Missing, HostPathInspector.Instance.Inspect(Path.Combine(dir, "nope")).Kind);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
