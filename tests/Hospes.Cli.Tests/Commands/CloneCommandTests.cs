using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class CloneCommandTests : IDisposable
{
    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task Clone_SendsTheRequest_AndSumsUp()
    {
        Stream(new CloneEvent { Event = "created", Name = "g-1", Total = 2, Created = 1 }, new CloneEvent { Event = "done", Total = 2, Created = 2, Ready = 2, ElapsedS = 1.54 });

        CliRun r = await CliRunner.RunAsync(_stub, "clone", "tmpl", "g-{i}", "--count", "2", "--start", "--timeout", "60");

        Assert.Equal((0, "2 of 2 clone(s) created, 2 ready, 0 failed, in 1.5 s\n"), (r.Exit, r.Stdout));
        Assert.Equal(CliRunner.Json(new CloneRequest { Name = "g-{i}", Count = 2, Start = true, ReadyTimeoutS = 60 }), _stub.LastBody);
    }

    [Fact]
    public async Task FailedClones_AreListed_AndExit1()
    {
        Stream(
            new CloneEvent { Event = "failed", Name = "g-2", Message = "no room" },
            new CloneEvent { Event = "done", Total = 2, Created = 1, Failed = 1, ElapsedS = 2, Failures = ["g-2: no room"] });

        CliRun r = await CliRunner.RunAsync(_stub, "clone", "tmpl", "g-{i}", "--count", "2");

        Assert.Equal((1, "1 of 2 clone(s) created, 1 failed, in 2.0 s\n"), (r.Exit, r.Stdout));
        Assert.Equal("failed: g-2: no room\nfailed: g-2: no room\n", r.Stderr);
    }

    [Fact]
    public async Task Clone_AsJson_PrintsTheDoneEvent()
    {
        var done = new CloneEvent { Event = "done", Total = 1, Created = 1, ElapsedS = 0.4 };
        Stream(done);

        CliRun r = await CliRunner.RunAsync(_stub, "clone", "tmpl", "solo", "--full", "--format", "json");

        Assert.Equal(CliRunner.Printed(done), r.Stdout);
        Assert.Contains("\"full\":true", _stub.LastBody, StringComparison.Ordinal);
    }

    private void Stream(params CloneEvent[] events) =>
        _stub.On("POST", "/v1/templates/tmpl/clone", HttpStatusCode.OK, string.Concat(events.Select(e => CliRunner.Json(e) + "\n")), "application/x-ndjson");
}
