using System.Globalization;
using System.Net.Http.Json;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;

namespace Hospes.Host.Edge;

/// <summary>`hospes list` in a cluster: this host's VMs, each up member's (asked in parallel, as the caller), and those of a down host from their owner keys.</summary>
public sealed partial class ClusterForwarding
{
    private static readonly TimeSpan ListWithin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every VM of the cluster <paramref name="caller"/> may see: <paramref name="local"/> (this host's, filtered here), each
    /// up member's own list asked with the caller's envelope (filtered there), and, to a caller who may see the host
    /// (Sys.Audit on /), the VMs of a member that is down or did not answer within 5 s, state unknown.
    /// </summary>
    public async Task<IReadOnlyList<VmInfo>> ListAsync(Caller caller, IReadOnlyList<VmInfo> local, string? project, bool maySeeHost, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(local);
        var all = local.Select(v => v with { Host = HostName }).ToList();
        Result<ClusterView> view = await _cluster.ViewAsync(ct).ConfigureAwait(false);
        if (!view.IsOk)
        {
            LogListPartial("(etcd)", view.Error.Message);
            return [.. all.Select(v => v with { Cluster = _cluster.Config?.Name })];
        }

        string envelope = EnvelopeOf(caller);
        MemberRecord[] others = [.. view.Value.Members.Where(m => m.Name != HostName)];
        Result<IReadOnlyList<VmInfo>>[] answers = await Task.WhenAll(others.Select(m => AskAsync(m, view.Value, envelope, project, ct))).ConfigureAwait(false);
        for (int i = 0; i < others.Length; i++)
        {
            MemberRecord m = others[i];
            Result<IReadOnlyList<VmInfo>> answer = answers[i];
            if (answer.IsOk)
            {
                all.AddRange(answer.Value.Select(v => v with { Host = v.Host ?? m.Name }));
                continue;
            }

            string why = answer.Error.Message;
            LogListPartial(m.Name, why);
            if (maySeeHost && project is null)
            {
                all.AddRange(view.Value.Owners.Where(o => o.Value.Host == m.Name && !all.Any(v => v.Name == o.Key)).Select(o => new VmInfo
                {
                    Name = o.Key,
                    Uuid = Guid.TryParse(o.Value.Uuid, out Guid uuid) ? uuid : Guid.Empty,
                    State = VmState.Unknown,
                    Flags = "??????",
                    Host = m.Name,
                    HostDown = true,
                    LastError = why,
                }));
            }
        }

        string? cluster = _cluster.Config?.Name;
        return [.. all.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => v with { Cluster = cluster })];
    }

    private async Task<Result<IReadOnlyList<VmInfo>>> AskAsync(MemberRecord m, ClusterView view, string envelope, string? project, CancellationToken ct)
    {
        Result<ForwardHost> target = Target(new RemoteOwner(m, view.Up.ContainsKey(m.Name)), $"host '{m.Name}'");
        if (!target.IsOk)
        {
            return target.Error;
        }

        using var within = CancellationTokenSource.CreateLinkedTokenSource(ct);
        within.CancelAfter(ListWithin);
        string path = Routes.Query(Routes.Vms, "local", "true");
        if (project is not null)
        {
            path = Routes.Query(path, "project", project);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Add(EnvelopeHeader, envelope);
        try
        {
            using HttpResponseMessage answer = await Client(target.Value).SendAsync(request, within.Token).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
            {
                string body = await answer.Content.ReadAsStringAsync(within.Token).ConfigureAwait(false);
                return HospesError.Unavailable(string.Create(CultureInfo.InvariantCulture, $"host '{m.Name}' answered {(int)answer.StatusCode}: {body}"));
            }

            return await answer.Content.ReadFromJsonAsync<List<VmInfo>>(WireJson.Options, within.Token).ConfigureAwait(false) ?? [];
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            string why = e is OperationCanceledException ? $"no answer within {ListWithin.TotalSeconds:0} s" : e.InnerException?.Message ?? e.Message;
            return HospesError.Unavailable($"host '{m.Name}' at {target.Value.Address} did not answer: {why}");
        }
    }
}
