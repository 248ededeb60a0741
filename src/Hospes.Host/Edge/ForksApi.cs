using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Vms.Forks;

namespace Hospes.Host.Edge;

/// <summary>`hospes fork`, in the wire's words.</summary>
public sealed class ForksApi
{
    private readonly ForkService _forks;

    internal ForksApi(ForkService forks) => _forks = forks;

    public async Task<Result<ForkResult>> ForkAsync(string name, ForkRequest request, CancellationToken ct)
    {
        if (request.Name is null)
        {
            return HospesError.Invalid("cannot fork: the request has no name; send {\"name\": \"web-{i}\", \"count\": 3}");
        }

        Result<ForkOutcome> done = await _forks.ForkAsync(name, new ForkOrder(request.Name, request.Count, request.Freeze, request.Template), ct).ConfigureAwait(false);
        return ResultMap.Map(done, o => new ForkResult
        {
            Parent = o.Parent,
            Forks = [.. o.Forks.Select(f => new ForkedVmInfo(f.Name, f.Uuid, f.Macs))],
            Failed = [.. o.Failed.Select(f => new ForkFailure(f.Name, f.Error))],
            Ms = o.Milliseconds,
        });
    }
}
