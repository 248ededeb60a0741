using Hospes.Core.Errors;

namespace Hospes.Host.Cluster.Access;

/// <summary>
/// Every write to the access tables (users, groups, tokens, ACL, roles, projects, client certificates) goes through
/// here. Outside a cluster the change just runs; in one it runs on the cluster's copy and is published to all members,
/// or refused with nothing changed (<see cref="ClusterAccess.WriteAsync{T}"/>).
/// </summary>
internal interface IAccessChanges
{
    Task<Result<T>> ChangeAccessAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct);
}
