using System.Text;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Qemu.Qga;

namespace Hospes.Qemu.Tests.Qga;

public class QgaClientTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    private static async Task<QgaClient> Connect(FakeAgent agent, TimeSpan? timeout = null, int maxReply = QgaClient.DefaultMaxReply)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(agent.SocketPath));
        Result<QgaClient> client = await QgaClient.OpenAsync(new System.Net.Sockets.NetworkStream(socket, true), "web", timeout ?? Short, CancellationToken.None, maxReply);
        return client.Value;
    }

    [Fact]
    public async Task Sync_SkipsWhatCameBeforeTheDelimiter_AndStaleReplies_ThenCommandsWork()
    {
        byte[] stale = [.. Encoding.UTF8.GetBytes("{\"return\": {}}\n{\"return\": 17}\ngarbage\u0001"), 0xFF, .. FakeAgent.Return(17)];
        await using var agent = new FakeAgent((c, _) => c == "guest-ping" ? FakeAgent.Return(new JsonObject()) : null, greeting: stale);
        await using QgaClient client = await Connect(agent);

        Assert.True((await client.PingAsync(CancellationToken.None)).Value);
        Assert.Equal(["guest-sync-delimited", "guest-ping"], agent.Commands);
    }

    [Fact]
    public async Task Connect_ToAMissingSocket_SaysTheVmMayNotRun()
    {
        Result<QgaClient> client = await QgaClient.ConnectAsync("/nonexistent/x.qga", "web", Short, CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, client.Error!.Code);
        Assert.Contains("guest agent channel of VM web", client.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgentThatNeverAnswers_TimesOut_WithTheFix()
    {
        await using var agent = new FakeAgent((_, _) => []);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(agent.SocketPath));

        Result<QgaClient> client = await QgaClient.OpenAsync(new System.Net.Sockets.NetworkStream(socket, true), "web", Short, CancellationToken.None);

        Assert.Equal(ErrorCode.Timeout, client.Error!.Code);
        Assert.Equal("the guest agent of VM web did not answer within 1 s: is qemu-guest-agent running in the guest?", client.Error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AReplyLongerThanTheLimit_IsCutOff_AndTheConnectionIsGivenUp()
    {
        await using var agent = new FakeAgent((c, _) => c == "guest-get-host-name" ? FakeAgent.Line("{\"return\": {\"host-name\": \"" + new string('a', 100_000) + "\"}}") : null);
        await using QgaClient client = await Connect(agent, maxReply: 64 * 1024);

        Result<string> name = await client.HostNameAsync(CancellationToken.None);

        Assert.Contains("sent a reply longer than", name.Error!.Message, StringComparison.Ordinal);
        Assert.Same(name.Error, (await client.PingAsync(CancellationToken.None)).Error);
    }

    [Fact]
    public async Task EndlessBytesWithoutADelimiter_AreCutOffToo()
    {
        await using var agent = new FakeAgent((c, _) => c == "guest-sync-delimited" ? new byte[200_000] : null);
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(agent.SocketPath));

        Result<QgaClient> client = await QgaClient.OpenAsync(new System.Net.Sockets.NetworkStream(socket, true), "web", Short, CancellationToken.None, maxReply: 64 * 1024);

        Assert.Contains("longer than", client.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"neither\": 1}")]
    [InlineData("{\"return\": {\"host-name\": 42}}")]
    public async Task AReplyThatIsNotTheProtocol_IsAClearError(string line)
    {
        await using var agent = new FakeAgent((c, _) => c == "guest-get-host-name" ? FakeAgent.Line(line) : null);
        await using QgaClient client = await Connect(agent);

        Result<string> name = await client.HostNameAsync(CancellationToken.None);

        Assert.Contains("the guest agent of VM web answered guest-get-host-name with a reply Hospes cannot read", name.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAgentsOwnError_IsPassedOn_WithoutControlCharacters()
    {
        await using var agent = new FakeAgent((c, _) => c == "guest-set-time"
            ? FakeAgent.Line("{\"error\": {\"class\": \"GenericError\", \"desc\": \"hwclock failed\\u001b[2J\"}}")
            : null);
        await using QgaClient client = await Connect(agent);

        Result<bool> set = await client.SetTimeAsync(DateTimeOffset.UnixEpoch.AddSeconds(1), CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, set.Error!.Code);
        Assert.Equal("the guest agent of VM web refused guest-set-time: hwclock failed?[2J (GenericError)", set.Error.Message);
    }

    [Fact]
    public async Task SetTime_SendsNanosecondsSinceTheEpoch()
    {
        long? sent = null;
        await using var agent = new FakeAgent((c, a) =>
        {
            if (c != "guest-set-time")
            {
                return null;
            }

            sent = (long)a["time"]!;
            return FakeAgent.Return(new JsonObject());
        });
        await using QgaClient client = await Connect(agent);

        Assert.True((await client.SetTimeAsync(DateTimeOffset.UnixEpoch.AddSeconds(2), CancellationToken.None)).IsOk);
        Assert.Equal(2_000_000_000L, sent);
    }

    [Fact]
    public async Task Exec_PollsUntilTheCommandEnds_AndDecodesItsOutput()
    {
        int polls = 0;
        JsonObject? started = null;
        await using var agent = new FakeAgent((c, a) =>
        {
            switch (c)
            {
                case "guest-exec":
                    started = a;
                    return FakeAgent.Return(new JsonObject { ["pid"] = 42 });
                case "guest-exec-status" when ++polls < 3:
                    return FakeAgent.Return(new JsonObject { ["exited"] = false });
                case "guest-exec-status":
                    return FakeAgent.Return(new JsonObject
                    {
                        ["exited"] = true,
                        ["exitcode"] = 3,
                        ["out-data"] = Convert.ToBase64String("6.1.0\n"u8.ToArray()),
                        ["err-data"] = Convert.ToBase64String("oops\n"u8.ToArray()),
                        ["err-truncated"] = true,
                    });
                default:
                    return null;
            }
        });
        await using QgaClient client = await Connect(agent);

        QgaExecResult done = (await client.ExecAsync("uname", ["-r"], TimeSpan.FromSeconds(10), CancellationToken.None)).Value;

        Assert.Equal("{\"path\":\"uname\",\"arg\":[\"-r\"],\"capture-output\":true}", started!.ToJsonString());
        Assert.Equal(3, polls);
        Assert.Equal(3, done.ExitCode);
        Assert.Equal("6.1.0\n", Encoding.UTF8.GetString(done.Stdout));
        Assert.Equal("oops\n", Encoding.UTF8.GetString(done.Stderr));
        Assert.True(done.StderrTruncated);
        Assert.False(done.StdoutTruncated);
    }

    [Fact]
    public async Task Exec_ThatOutlivesItsLimit_NamesThePidItLeftRunning()
    {
        await using var agent = new FakeAgent((c, _) => c switch
        {
            "guest-exec" => FakeAgent.Return(new JsonObject { ["pid"] = 7 }),
            "guest-exec-status" => FakeAgent.Return(new JsonObject { ["exited"] = false }),
            _ => null,
        });
        await using QgaClient client = await Connect(agent);

        Result<QgaExecResult> done = await client.ExecAsync("sleep", ["99"], TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(ErrorCode.Timeout, done.Error!.Code);
        Assert.Equal("sleep did not end within 0.3 s in VM web; it still runs in the guest as pid 7 (give more time with --timeout)", done.Error.Message);
    }

    [Fact]
    public async Task Exec_WithOutputThatIsNotBase64_IsAClearError()
    {
        await using var agent = new FakeAgent((c, _) => c switch
        {
            "guest-exec" => FakeAgent.Return(new JsonObject { ["pid"] = 7 }),
            "guest-exec-status" => FakeAgent.Return(new JsonObject { ["exited"] = true, ["exitcode"] = 0, ["out-data"] = "!!" }),
            _ => null,
        });
        await using QgaClient client = await Connect(agent);

        Result<QgaExecResult> done = await client.ExecAsync("true", [], TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Contains("answered guest-exec-status with a reply Hospes cannot read", done.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InfoOsAndInterfaces_AreRead()
    {
        await using var agent = new FakeAgent((c, _) => c switch
        {
            "guest-info" => FakeAgent.Line("{\"return\": {\"version\": \"7.2.0\", \"supported_commands\": [{\"name\": \"guest-ping\", \"enabled\": true}, {\"name\": \"guest-fsfreeze-freeze\", \"enabled\": false}]}}"),
            "guest-get-osinfo" => FakeAgent.Line("{\"return\": {\"kernel-release\": \"6.1.0-57-cloud-amd64\", \"machine\": \"x86_64\", \"pretty-name\": \"Hospes tiny\"}}"),
            "guest-network-get-interfaces" => FakeAgent.Line("{\"return\": [{\"name\": \"lo\", \"ip-addresses\": [{\"ip-address-type\": \"ipv4\", \"ip-address\": \"127.0.0.1\", \"prefix\": 8}]}, {\"name\": \"eth0\", \"hardware-address\": \"aa:00:00:00:00:01\"}]}"),
            _ => null,
        });
        await using QgaClient client = await Connect(agent);

        QgaAgentInfo info = (await client.InfoAsync(CancellationToken.None)).Value;
        QgaOsInfo os = (await client.OsInfoAsync(CancellationToken.None)).Value;
        IReadOnlyList<QgaInterface> nics = (await client.InterfacesAsync(CancellationToken.None)).Value;

        Assert.Equal("7.2.0", info.Version);
        Assert.Equal(["guest-ping"], info.EnabledCommands);
        Assert.Equal("6.1.0-57-cloud-amd64", os.KernelRelease);
        Assert.Equal("Hospes tiny", os.PrettyName);
        Assert.Equal(new QgaAddress("ipv4", "127.0.0.1", 8), Assert.Single(nics[0].Addresses));
        Assert.Equal("aa:00:00:00:00:01", nics[1].HardwareAddress);
        Assert.Empty(nics[1].Addresses);
    }
}
