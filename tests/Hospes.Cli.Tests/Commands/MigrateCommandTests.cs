using System.Net;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class MigrateCommandTests : IDisposable
{
    private static readonly MigrationSummary Summary = new()
    {
        Vm = "web",
        From = "a",
        To = "b",
        Mode = "live",
        TotalMs = 1200,
        DowntimeMs = 30,
        QemuDowntimeMs = 25,
        TransferredBytes = 64L << 20,
        Passes = 3,
    };

    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task Migrate_SendsTheOptions_ShowsSteps_AndPrintsTheSummary()
    {
        Stream(new MigrationEvent { Event = "check", Message = "b has room", ElapsedMs = 100 }, new MigrationEvent { Event = "done", Summary = Summary });

        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "web", "b", "--copy-storage", "--downtime-ms", "80");

        Assert.Equal((0, "  0.1s b has room\n"), (r.Exit, r.Stderr));
        Assert.Equal(
            "Migrated:     web: a -> b (live)\n"
            + "Total:        1200 ms\n"
            + "Downtime:     30 ms (QEMU: 25 ms)\n"
            + "Memory sent:  64 MiB in 3 passes\n"
            + "Disks copied: -\n",
            r.Stdout);
        Assert.Contains("\"copy_storage\":true", _stub.LastBody, StringComparison.Ordinal);
        Assert.Contains("\"downtime_ms\":80", _stub.LastBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_AsJson_PrintsTheSummaryOnly()
    {
        Stream(new MigrationEvent { Event = "check", Message = "ok" }, new MigrationEvent { Event = "done", Summary = Summary });

        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "web", "b", "--format", "json");

        Assert.Equal((CliRunner.Printed(Summary), ""), (r.Stdout, r.Stderr));
    }

    [Fact]
    public async Task AFailedMigration_EndsWithItsMessage_AndExits1()
    {
        Stream(new MigrationEvent { Event = "failed", Message = "b refused: no room" });

        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "web", "b");

        Assert.Equal((1, "hospes: b refused: no room\n"), (r.Exit, r.Stderr));
    }

    [Fact]
    public async Task AStreamWithoutAResult_SaysWhereToLook()
    {
        Stream(new MigrationEvent { Event = "check", Message = "ok" });

        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "web", "b");

        Assert.EndsWith("hospes: hospesd ended the migration stream of web without a result; see `hospes list` and hospesd's log\n", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_WithoutAHost_SaysHowToNameOne()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "web");

        Assert.Equal("hospes: hospes migrate web: name the destination host (`hospes host list` shows them), e.g. `hospes migrate web HOST`\n", r.Refused(_stub));
    }

    [Fact]
    public async Task LiveAndOffline_ExcludeEachOther()
    {
        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "web", "b", "--live", "--offline");

        Assert.Equal("hospes: --live and --offline exclude each other; choose one\n", r.Refused(_stub));
    }

    [Fact]
    public async Task Cancel_DeletesTheMigration()
    {
        _stub.On("DELETE", "/v1/vms/web/migration", "true");

        CliRun r = await CliRunner.RunAsync(_stub, "migrate", "--cancel", "web");

        Assert.Equal((0, "cancelling the migration of web; it stays on this host\n"), (r.Exit, r.Stderr));
    }

    private void Stream(params MigrationEvent[] events) =>
        _stub.On("POST", "/v1/vms/web/migrate", HttpStatusCode.OK, string.Concat(events.Select(e => CliRunner.Json(e) + "\n")), "application/x-ndjson");
}
