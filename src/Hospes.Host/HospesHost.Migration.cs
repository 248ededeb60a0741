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
        Migrations.PrepareAsync(offer, peer, listenHost, ct);

    public Task<Result<MigrationFinished>> FinishIncomingMigrationAsync(string id, MigrationFinish request) => Migrations.FinishAsync(id, request);

    public Task<Result<bool>> AbortIncomingMigrationAsync(string id, string peer) => Migrations.AbortAsync(id, $"{peer} aborted it");

    /// <summary>A host `hospes host add` made known, reached over its pinned TLS; QEMU streams to the same address.</summary>
    private Result<IMigrationTarget> MigrationTarget(string name)
    {
        if (Peers.Get(name) is not { } peer)
        {
            return HospesError.NotFound($"no host named '{name}'; `hospes host list` shows the hosts this one trusts, `hospes host add` adds one");
        }

        Result<PeerApi> api = Peers.Client(name);
        if (!api.IsOk)
        {
            return api.Error;
        }

        string address = peer.Address!;
        return new HttpMigrationTarget(name, address[..address.LastIndexOf(':')].Trim('[', ']'), api.Value);
    }
}
