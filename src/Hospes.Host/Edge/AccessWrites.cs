using Hospes.Core.Errors;
using Hospes.Host.Cluster.Access;

namespace Hospes.Host.Edge;

/// <summary>
/// The one way the API changes access data (users, groups, tokens, ACL, roles, projects, client certificates): the
/// endpoint hands its change here. Outside a cluster it just runs; in one it is made on the cluster's copy and published
/// to every member, or refused with nothing changed when etcd cannot take it (issue 17).
/// </summary>
public sealed class AccessWrites
{
    private readonly IAccessChanges _changes;

    internal AccessWrites(IAccessChanges changes) => _changes = changes;

    public Task<Result<T>> RunAsync<T>(Func<Result<T>> change, CancellationToken ct) =>
        _changes.ChangeAccessAsync(() => Task.FromResult(change()), ct);

    public Task<Result<T>> RunAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct) =>
        _changes.ChangeAccessAsync(change, ct);
}
