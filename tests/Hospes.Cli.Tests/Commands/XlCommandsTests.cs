using Hospes.Cli.Commands;

namespace Hospes.Cli.Tests.Commands;

/// <summary>uptime's time as xl prints it, and `hospes vnc --listen`, which stays on loopback.</summary>
public sealed class XlCommandsTests
{
    [Theory]
    [InlineData(0, "0:00:00")]
    [InlineData(3_725, "1:02:05")]
    [InlineData(86_400 + 61, "1 day, 0:01:01")]
    [InlineData(3 * 86_400 + 4 * 3_600 + 5 * 60 + 6, "3 days, 4:05:06")]
    public void Uptime_IsShownAsXlShowsIt(int seconds, string shown) =>
        Assert.Equal(shown, XlCommands.Shown(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("127.0.0.1:5901", 5901)]
    [InlineData("[::1]:5902", 5902)]
    public void VncListen_OnLoopback_IsTaken(string text, int port) =>
        Assert.Equal(port, VncCommand.ParseListen(text).Port);

    [Theory]
    [InlineData("0.0.0.0:5901", "loopback only")]
    [InlineData("192.168.1.5:5901", "loopback only")]
    [InlineData("5901", "is not ADDRESS:PORT")]
    [InlineData("localhost:x", "is not ADDRESS:PORT")]
    public void VncListen_ElsewhereOrMalformed_IsRefused(string text, string problem) =>
        Assert.Contains(problem, Assert.Throws<CliException>(() => VncCommand.ParseListen(text)).Message, StringComparison.Ordinal);
}
