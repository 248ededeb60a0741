using Hospes.Host.Settings;
using Hospes.Qemu.CommandLine;

namespace Hospes.Host.Tests.Settings;

public class VmLayoutTests
{
    private static readonly VmLayout Layout = new(new HostOptions { StateDir = "/var/lib/hospes", SocketPath = "/run/hospes/hospes.sock" });

    [Fact]
    public void TwoVmsWhoseUuidsShareAPrefix_NeverShareASocket()
    {
        VmRuntimePaths a = Layout.Paths(Guid.Parse("aaaaaaaa-bbbb-cccc-dddd-000000000001"));
        VmRuntimePaths b = Layout.Paths(Guid.Parse("aaaaaaaa-bbbb-cccc-dddd-000000000002"));

        Assert.NotEqual(a.QmpSocket, b.QmpSocket);
        Assert.NotEqual(a.ConsoleSocket, b.ConsoleSocket);
        Assert.NotEqual(a.PidFile, b.PidFile);
        Assert.Equal("/run/hospes/aaaaaaaabbbbccccdddd000000000001.console", a.ConsoleSocket);
    }

    [Fact]
    public void SocketPaths_FitTheUnixLimit()
    {
        VmRuntimePaths p = Layout.Paths(Guid.NewGuid());
        Assert.True(p.ConsoleSocket.Length < 108, p.ConsoleSocket);
    }
}
