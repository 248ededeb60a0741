using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Tools;

public class NetToolsTests
{
    [Fact]
    public async Task RunAsync_AFailingCommand_NamesCommandExitCodeAndStderr()
    {
        var tools = new NetTools();
        NetToolException e = await Assert.ThrowsAsync<NetToolException>(
            () => tools.RunAsync("sh", ["-c", "echo 'RTNETLINK answers: File exists' >&2; exit 2"], CancellationToken.None));
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("'sh -c echo 'RTNETLINK answers: File exists' >&2; exit 2' failed with exit code 2: RTNETLINK answers: File exists", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsToolMissing);
        Assert.Equal(Core.Errors.ErrorCode.Internal, e.ToError().Code);
    }

    [Fact]
    public async Task RunAsync_PassesStandardInput_AndReturnsOutput()
    {
        ToolResult r = await new NetTools().RunAsync("sh", ["-c", "tr a-z A-Z"], "table ip x {}\n", CancellationToken.None);
        Assert.Equal("TABLE IP X {}\n", r.StandardOutput);
        Assert.Equal(0, r.ExitCode);
    }

    [Theory]
    [InlineData("nft", "install the Debian package nftables")]
    [InlineData("dnsmasq", "install the Debian package dnsmasq-base")]
    [InlineData("ip", "install the Debian package iproute2")]
    [InlineData("sysctl", "install the Debian package procps")]
    public void Resolve_AMissingTool_NamesItsPackage(string tool, string hint)
    {
        // The hint depends on the tool's name only: a path that cannot exist stands in for a missing tool.
        var tools = new NetTools(prefix: null, timeout: null, searchPath: "/nonexistent");
        NetToolException e = Assert.Throws<NetToolException>(() => tools.Resolve($"/nonexistent/{tool}"));
        Assert.True(e.IsToolMissing);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        Assert.Equal(Core.Errors.ErrorCode.Unavailable, e.ToError().Code);
    }

    [Fact]
    public async Task RunAsync_AnUnknownMissingTool_SaysItIsNotInstalled()
    {
        NetToolException e = await Assert.ThrowsAsync<NetToolException>(
            () => new NetTools().RunAsync("hospes-no-such-tool", [], CancellationToken.None));
        Assert.True(e.IsToolMissing);
        Assert.Contains("hospes-no-such-tool is not installed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithAPrefix_RunsTheToolBehindIt()
    {
        // env as a stand-in for "ip netns exec NS": the prefix comes first, then the resolved tool.
        var tools = new NetTools(["env", "HOSPES_PREFIX=yes"]);
        ToolResult r = await tools.RunAsync("sh", ["-c", "echo $HOSPES_PREFIX"], CancellationToken.None);
        Assert.Equal("yes\n", r.StandardOutput);
        Assert.Equal("env HOSPES_PREFIX=yes sh -c echo $HOSPES_PREFIX", r.CommandLine);
    }

    [Fact]
    public async Task RunAsync_PastItsTimeout_IsKilledAndSaysSo()
    {
        var tools = new NetTools(timeout: TimeSpan.FromMilliseconds(200));
        NetToolException e = await Assert.ThrowsAsync<NetToolException>(() => tools.RunAsync("sleep", ["5"], CancellationToken.None));
        Assert.Null(e.ExitCode);
        Assert.Contains("did not finish within", e.Message, StringComparison.Ordinal);
    }
}
