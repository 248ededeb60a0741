using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>
/// Migration as the API shows it: `hospes migrate` from here, and the destination's half that another host drives
/// over its peer API. Wire requests in, the migration floor's calls, wire records or errors out.
/// </summary>
public sealed class MigrationsApi
{
    private readonly MigrationService _outgoing;
    private readonly IncomingMigrations _incoming;

    internal MigrationsApi(MigrationService outgoing, IncomingMigrations incoming)
    {
        _outgoing = outgoing;
        _incoming = incoming;
    }

    /// <summary>Refuses before any stream starts what can be refused then (unknown VM or host, bad numbers).</summary>
    public Result<bool> Check(string vm, Wire.MigrateRequest request)
    {
        var checkedRequest = _outgoing.Check(vm, MigrationWire.ToDomain(request));
        return checkedRequest.IsOk ? true : checkedRequest.Error;
    }

    /// <summary>Runs the migration; <paramref name="emit"/> is told each step as it happens.</summary>
    public async Task<Result<Wire.MigrationSummary>> MigrateAsync(string vm, Wire.MigrateRequest request, Func<Wire.MigrationEvent, Task> emit) =>
        ResultMap.Map(
            await _outgoing.MigrateAsync(vm, MigrationWire.ToDomain(request), e => emit(MigrationWire.ToWire(e))).ConfigureAwait(false),
            MigrationWire.ToWire);

    /// <summary>`hospes migrate --cancel VM`.</summary>
    public Result<bool> Cancel(string vm) => _outgoing.Cancel(vm);

    /// <summary>
    /// Destination: <paramref name="peer"/> offers a VM. <paramref name="listenHost"/>: the local address the peer
    /// reached this host at; the stream comes there too, from <paramref name="peerAddress"/> (the only address let in).
    /// </summary>
    public async Task<Result<Wire.MigrationPrepared>> PrepareIncomingAsync(Wire.MigrationOffer offer, string peer, string listenHost, string peerAddress, CancellationToken ct) =>
        ResultMap.Map(await _incoming.PrepareAsync(MigrationWire.ToDomain(offer), peer, listenHost, peerAddress, ct).ConfigureAwait(false), MigrationWire.ToWire);

    public async Task<Result<Wire.MigrationFinished>> FinishIncomingAsync(string id, Wire.MigrationFinish request) =>
        ResultMap.Map(await _incoming.FinishAsync(id, request.Run, request.Postcopy, request.Probe).ConfigureAwait(false), MigrationWire.ToWire);

    public Task<Result<bool>> AbortIncomingAsync(string id, string peer) => _incoming.AbortAsync(id, $"{peer} aborted it");
}
