using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>This host's cluster (issue 17): init, tokens, join, list, leave, remove.</summary>
public sealed class ClusterApi
{
    private readonly HospesConnection _c;

    internal ClusterApi(HospesConnection connection) => _c = connection;

    /// <summary>Makes a cluster of this host alone (its CA, its etcd member).</summary>
    public Task<ClusterInfo> InitAsync(ClusterInitRequest request, CancellationToken ct) => _c.SendAsync<ClusterInfo>(HttpMethod.Post, Routes.Cluster, request, ct);

    /// <summary>This host's cluster; NotFound when it is in none.</summary>
    public Task<ClusterInfo> ShowAsync(CancellationToken ct) => _c.SendAsync<ClusterInfo>(HttpMethod.Get, Routes.Cluster, null, ct);

    /// <summary>A one-time token another host joins the cluster with (valid 1 hour).</summary>
    public Task<HostTokenInfo> CreateTokenAsync(CancellationToken ct) => _c.SendAsync<HostTokenInfo>(HttpMethod.Post, Routes.ClusterTokens, null, ct);

    /// <summary>Joins the cluster of the member at the request's address.</summary>
    public Task<ClusterInfo> JoinAsync(ClusterJoinRequest request, CancellationToken ct) => _c.SendAsync<ClusterInfo>(HttpMethod.Post, Routes.ClusterJoin, request, ct);

    public Task<ClusterInfo> LeaveAsync(CancellationToken ct) => _c.SendAsync<ClusterInfo>(HttpMethod.Post, Routes.ClusterLeave, null, ct);

    public Task<IReadOnlyList<ClusterHostInfo>> ListAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<ClusterHostInfo>>(HttpMethod.Get, Routes.ClusterHosts, null, ct);

    /// <summary>Removes a host that is down from the cluster.</summary>
    public Task<ClusterHostInfo> RemoveAsync(string name, CancellationToken ct) => _c.SendAsync<ClusterHostInfo>(HttpMethod.Delete, Routes.Path(Routes.ClusterHost, name), null, ct);

    /// <summary>Sends a template's copy (its header line, then its files) to this host; what a member does for clones it places here.</summary>
    public Task<TemplateInfo> ReceiveTemplateAsync(string name, HttpContent copy, CancellationToken ct) =>
        _c.SendAsync<TemplateInfo>(HttpMethod.Put, Routes.Path(Routes.ClusterTemplate, name), copy, ct);

    /// <summary>Asks this host (the template's home) to send its template to member <paramref name="to"/>, whose copy is stale (what that member does before a clone run).</summary>
    public Task<TemplateInfo> SendTemplateAsync(string name, string to, CancellationToken ct) =>
        _c.SendAsync<TemplateInfo>(HttpMethod.Post, Routes.Path(Routes.ClusterTemplate, name) + "?to=" + Uri.EscapeDataString(to), null, ct);

    /// <summary>Deletes this host's copy of member <paramref name="home"/>'s template (what that member does when it deletes it).</summary>
    public Task<TemplateInfo> DeleteTemplateCopyAsync(string name, string home, CancellationToken ct) =>
        _c.SendAsync<TemplateInfo>(HttpMethod.Delete, Routes.Path(Routes.ClusterTemplate, name) + "?home=" + Uri.EscapeDataString(home), null, ct);
}
