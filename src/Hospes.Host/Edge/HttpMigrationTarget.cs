using Hospes.Client;
using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>A destination hospesd reached over its peer API (`/v1/peer/migrations`), TLS with pinned certificates.</summary>
internal sealed class HttpMigrationTarget(string name, string streamHost, PeerApi peer) : IMigrationTarget
{
    public string Name => name;

    public string StreamHost => streamHost;

    public async Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer, CancellationToken ct) =>
        ResultMap.Map(await CallAsync(() => peer.PrepareMigrationAsync(MigrationWire.ToWire(offer), ct)).ConfigureAwait(false), MigrationWire.ToDomain);

    public async Task<Result<MigrationFinished>> FinishAsync(string id, bool run, bool postcopy, bool probe, CancellationToken ct) =>
        ResultMap.Map(await CallAsync(() => peer.FinishMigrationAsync(id, new Wire.MigrationFinish(run, postcopy, probe), ct)).ConfigureAwait(false), MigrationWire.ToDomain);

    public async Task<Result<bool>> AbortAsync(string id, CancellationToken ct)
    {
        Result<bool> r = await CallAsync(() => peer.AbortMigrationAsync(id, ct)).ConfigureAwait(false);
        return r.IsOk ? true : r.Error;
    }

    /// <summary>
    /// An answer is the destination's word (its error, or its status). A request that provably never arrived (no
    /// connection) is <see cref="NotDelivered"/>; anything else is a <see cref="NoAnswer"/>: it may have taken effect.
    /// </summary>
    private async Task<Result<T>> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HospesApiException e) when (e.Delivery == Delivery.Answered)
        {
            return new HospesError(WireSpec.ToErrorCode(e.Code), e.HasErrorBody ? e.Message : $"{name} answered {(int?)e.Status} {e.Reason}");
        }
        catch (HospesApiException e) when (e.Delivery == Delivery.NotDelivered)
        {
            return new NotDelivered($"cannot reach {name}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (HospesApiException e)
        {
            return new NoAnswer($"cannot reach {name}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (OperationCanceledException e)
        {
            return new NoAnswer($"cannot reach {name}: {e.Message}");
        }
    }
}
