using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Migration;

namespace Hospes.Host;

/// <summary>Migration: `hospes migrate` here, and the peer API other hosts migrate to this one through.</summary>
public sealed partial class HospesHost
{
    /// <summary>Refuses before any stream starts what can be refused then (unknown VM or host, bad numbers).</summary>
    public Result<bool> CheckMigrate(string vm, MigrateRequest request)
    {
        var checkedRequest = Migrations.Check(vm, request);
        return checkedRequest.IsOk ? true : checkedRequest.Error;
    }

    public Task<Result<MigrationSummary>> MigrateAsync(string vm, MigrateRequest request, Func<MigrationEvent, Task> emit) =>
        Migrations.MigrateAsync(vm, request, emit);

    public Result<bool> CancelMigration(string vm) => Migrations.Cancel(vm);

    /// <summary><paramref name="listenHost"/>: the local address the peer reached this host at; the stream comes there too.</summary>
    public Task<Result<MigrationPrepared>> PrepareIncomingMigrationAsync(MigrationOffer offer, string peer, string listenHost, CancellationToken ct) =>
        Incoming.PrepareAsync(offer, peer, listenHost, ct);

    public Task<Result<MigrationFinished>> FinishIncomingMigrationAsync(string id, MigrationFinish request) => Incoming.FinishAsync(id, request);

    public Task<Result<bool>> AbortIncomingMigrationAsync(string id, string peer) => Incoming.AbortAsync(id, $"{peer} aborted it");
}
