using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// The source of a migration on the VM floor: a running VM "web" whose QEMU (faked) streams to a scripted destination,
/// "host-b". Its query-migrate says completed (the guest then stops, as QEMU's does) unless a test scripts it.
/// </summary>
internal sealed class SourceFloor : IAsyncDisposable
{
    public const string MaybeThere =
        "host-b may be running web now, so it stays paused here and never runs twice: if `hospes list` on host-b does not show it running, `hospes unpause web` here";

    private readonly ConcurrentQueue<MigrationEvent> _events = new();

    private SourceFloor(VmFloor floor, VmActor vm)
    {
        Floor = floor;
        Vm = vm;
        Qemu = floor.QemuOf(vm);
        Qmp.Answer("query-named-block-nodes", "[]");
        Stream("completed");
        Service = new MigrationService(floor.Vms, Target, new MigrationOfferBuilder(floor.Options.StateDir, floor.Balloons), "host-a", NullLoggerFactory.Instance);
    }

    public VmFloor Floor { get; }

    public VmActor Vm { get; }

    public FakeQemu Qemu { get; }

    public FakeQmp Qmp => Qemu.Monitor;

    public FakeMigrationTarget Target { get; } = new();

    public MigrationService Service { get; }

    public IReadOnlyList<MigrationEvent> Events => [.. _events];

    public static async Task<SourceFloor> StartAsync()
    {
        var floor = new VmFloor();
        return new SourceFloor(floor, await floor.StartedAsync("web"));
    }

    /// <summary>What query-migrate answers from now on; a completed stream leaves the guest stopped (postmigrate).</summary>
    public void Stream(string status, string? error = null) => Qmp.Answer("query-migrate", () =>
    {
        if (status == "completed")
        {
            Qmp.Status = "postmigrate";
        }

        string errorDesc = error is null ? "" : $"\"error-desc\": \"{error}\", ";
        return $$$"""{"status": "{{{status}}}", {{{errorDesc}}}"downtime": 12, "ram": {"transferred": 4096, "remaining": 0, "total": 134217728, "dirty-sync-count": 2}}""";
    });

    public Task<Result<MigrationSummary>> MigrateAsync(MigrateRequest? request = null) =>
        Service.MigrateAsync("web", request ?? new MigrateRequest { Host = Target.Name }, e =>
        {
            _events.Enqueue(e);
            return Task.CompletedTask;
        });

    /// <summary>The commands this QEMU was asked after the stream started.</summary>
    public IReadOnlyList<string> AskedAfterMigrate() => [.. Qmp.Asked.SkipWhile(c => c != "migrate")];

    public ValueTask DisposeAsync() => Floor.DisposeAsync();
}
