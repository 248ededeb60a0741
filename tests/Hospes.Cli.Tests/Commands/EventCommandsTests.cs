using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;
using Hospes.Contracts.Vms;

namespace Hospes.Cli.Tests.Commands;

public sealed class EventCommandsTests : IDisposable
{
    private static readonly HostEvent[] Events =
    [
        new() { Type = "vm.defined", Id = 1, Vm = "web", State = VmState.Shutoff, Time = DateTimeOffset.UnixEpoch },
        new() { Type = "vm.state", Id = 2, Vm = "web", OldState = VmState.Shutoff, State = VmState.Running, Why = "command", Message = "start", Time = DateTimeOffset.UnixEpoch },
        new() { Type = "progress", Id = 3, Vm = "g-1", Operation = "clone", Phase = "created", Done = 1, Total = 3, Unit = "vms", Time = DateTimeOffset.UnixEpoch },
        new() { Type = "lagged", Dropped = 7, Message = "this stream read too slowly: 7 event(s) dropped", Time = DateTimeOffset.UnixEpoch },
    ];

    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task Events_PrintsOneLinePerEvent_AndSaysWhenHospesdEndsTheStream()
    {
        Stream("/v1/events?vm=web&type=vm.state%2Cprogress");

        CliRun r = await CliRunner.RunAsync(_stub, "events", "--vm", "web", "--type", "vm.state,progress");

        string[] lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^\d\d:\d\d:\d\d vm\.defined web: shutoff$", lines[0]);
        Assert.EndsWith(" vm.state web: shutoff -> running (command start)", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(" progress g-1: clone created 1/3 vms", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(" lagged: this stream read too slowly: 7 event(s) dropped", lines[3], StringComparison.Ordinal);
        Assert.Equal(1, r.Exit);
        Assert.Contains("hospesd ended the event stream", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_AsJson_PrintsOneJsonObjectPerLine()
    {
        Stream("/v1/events?type=vm%2Cprogress");

        CliRun r = await CliRunner.RunAsync(_stub, "events", "--type", "vm", "--type", "progress", "--format", "json");

        Assert.Equal(string.Concat(Events.Select(e => CliRunner.Json(e) + "\n")), r.Stdout);
    }

    [Fact]
    public async Task Events_Cluster_AsksEveryMembersStream_AndNamesEachEventsHost()
    {
        HostEvent[] events =
        [
            new() { Type = "vm.state", Id = 4, Vm = "far", OldState = VmState.Running, State = VmState.Paused, Why = "command", Message = "pause", Host = "host-b", Time = DateTimeOffset.UnixEpoch },
            new() { Type = "lagged", Host = "host-c", Message = "host 'host-c''s events stopped", Time = DateTimeOffset.UnixEpoch },
        ];
        _stub.On("GET", "/v1/events?cluster=true&type=vm.state", HttpStatusCode.OK, string.Concat(events.Select(e => CliRunner.Json(e) + "\n")), "application/x-ndjson");

        CliRun r = await CliRunner.RunAsync(_stub, "events", "--cluster", "--type", "vm.state");

        string[] lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^\d\d:\d\d:\d\d host-b vm\.state far: running -> paused \(command pause\)$", lines[0]);
        Assert.EndsWith(" host-c lagged: host 'host-c''s events stopped", lines[1], StringComparison.Ordinal);
    }

    private void Stream(string pathAndQuery) =>
        _stub.On("GET", pathAndQuery, HttpStatusCode.OK, string.Concat(Events.Select(e => CliRunner.Json(e) + "\n\n")), "application/x-ndjson");
}
