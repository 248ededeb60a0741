using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Placement;

namespace Hospes.Host.Edge;

/// <summary>
/// `hospes clone` in a cluster (issue 17): the run planned over the hosts at once, and the template made reachable on
/// each host that gets clones: shared storage, a copy there already (same disks' sha256), or copied there once over the
/// pinned member connection and recorded there as a template.
/// </summary>
public sealed partial class ClusterForwarding
{
    /// <summary>Who copies a template to another member: this host itself (the clones are then asked for as the caller).</summary>
    private const string CopyUser = "hospesd";

    /// <summary>
    /// The one caller `/v1/cluster/templates/{name}` takes: member <paramref name="host"/>'s hospesd, over its peer
    /// connection (its envelope), for its own template: the copy is the cluster's cache of it, not a user's act.
    /// </summary>
    public static bool IsMemberCopier(Caller caller, string host) =>
        caller is { IsLocalAdmin: true } && caller.User == $"{CopyUser}@{host}";

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _copies = new(StringComparer.Ordinal);

    /// <summary>A host for each of <paramref name="names"/> (clones of <paramref name="memoryMib"/> MiB each); <paramref name="pinned"/> (--host) takes them all.</summary>
    public async Task<Result<IReadOnlyList<(string Name, ForwardHost Host)>>> SpreadAsync(string template, IReadOnlyList<string> names, long memoryMib, string? pinned, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(names);
        Result<ClusterView> read = await _cluster.ViewAsync(ct).ConfigureAwait(false);
        if (!read.IsOk)
        {
            return HospesError.Unavailable($"cannot place the clones of template '{template}': {read.Error.Message}");
        }

        ClusterView view = read.Value;
        PlacementCandidate[] candidates = [.. view.Members.Select(m => new PlacementCandidate(m.Name, view.Up.ContainsKey(m.Name), view.Cordoned.Contains(m.Name), view.Up.GetValueOrDefault(m.Name)))];
        Result<IReadOnlyList<string>> plan = PlacementScheduler.Spread(candidates, names.Count, memoryMib, pinned, $"the clones of template '{template}'");
        if (!plan.IsOk)
        {
            return plan.Error;
        }

        var hosts = new Dictionary<string, ForwardHost>(StringComparer.Ordinal);
        foreach (string name in plan.Value.Distinct(StringComparer.Ordinal))
        {
            if (name == HostName)
            {
                hosts[name] = new ForwardHost(name, "", "", IsLocal: true);
                continue;
            }

            Result<ForwardHost> target = Target(new RemoteOwner(view.Members.First(m => m.Name == name), Up: true), $"clones placed on host '{name}'");
            if (!target.IsOk)
            {
                return target.Error;
            }

            hosts[name] = target.Value;
        }

        string shares = string.Join(", ", plan.Value.GroupBy(h => h, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        LogClonesPlanned(template, names.Count, shares);
        return Result.Ok<IReadOnlyList<(string, ForwardHost)>>([.. names.Select((n, i) => (n, hosts[plan.Value[i]]))]);
    }

    /// <summary>
    /// Makes template <paramref name="template"/> reachable on <paramref name="host"/>: nothing when it has the same
    /// template (same disks), else this host's copy sent once (one copy at a time per host and template). True: copied now.
    /// </summary>
    public async Task<Result<bool>> EnsureTemplateAsync(ForwardHost host, StoreApi store, string template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(store);
        SemaphoreSlim gate = _copies.GetOrAdd($"{host.Name}\n{template}", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        var copy = await store.TemplateCopyAsync(template, HostName, ct).ConfigureAwait(false);
        if (!copy.IsOk)
        {
            gate.Release();
            return copy.Error;
        }

        try
        {
            HttpClient client = Client(host);
            string envelope = EnvelopeOf(Caller.LocalAdmin(CopyUser));
            using (var ask = new HttpRequestMessage(HttpMethod.Get, Routes.Path(Routes.Template, template).TrimStart('/')))
            {
                ask.Headers.Add(EnvelopeHeader, envelope);
                using HttpResponseMessage there = await client.SendAsync(ask, ct).ConfigureAwait(false);
                if (there.IsSuccessStatusCode)
                {
                    TemplateInfo? info = await there.Content.ReadFromJsonAsync<TemplateInfo>(WireJson.Options, ct).ConfigureAwait(false);
                    var state = new Storage.TemplateCopyState([.. (info?.Disks ?? []).Select(d => d.Checksum ?? "").Order(StringComparer.Ordinal)], info?.CopiedFrom, info?.Clones ?? []);
                    (Storage.TemplateCopyAction action, string? message) = Storage.TemplateCopyDecision.Decide(state, copy.Value.Checksums, copy.Value.Home, HostName, host.Name, template);
                    switch (action)
                    {
                        case Storage.TemplateCopyAction.Use:
                            return false;
                        case Storage.TemplateCopyAction.RefuseStale:
                            return HospesError.State(message!);
                        case Storage.TemplateCopyAction.RefuseForeign:
                            return HospesError.Conflict(message!);
                    }

                    // Replace: the receiver decides again under its store lock, and replaces the stale copy in one step.
                }
                else if (there.StatusCode != HttpStatusCode.NotFound)
                {
                    return HospesError.Unavailable($"host '{host.Name}' did not say whether it has template '{template}': {(int)there.StatusCode} {await there.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
                }
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var send = new HttpRequestMessage(HttpMethod.Put, Routes.Path(Routes.ClusterTemplate, template).TrimStart('/'))
            {
                Content = new TemplateCopyContent(copy.Value.HeaderLine, copy.Value.Paths),
            };
            send.Headers.Add(EnvelopeHeader, envelope);
            using HttpResponseMessage answer = await client.SendAsync(send, ct).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
            {
                string why = await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                LogTemplateCopyFailed(template, host.Name, why);
                return HospesError.Unavailable($"copying template '{template}' from host '{HostName}' to host '{host.Name}' failed: {(int)answer.StatusCode} {why}");
            }

            long bytes = copy.Value.Paths.Sum(p => new FileInfo(p).Length);
            LogTemplateCopied(template, host.Name, bytes, clock.Elapsed.TotalSeconds);
            return true;
        }
        catch (HttpRequestException e)
        {
            LogTemplateCopyFailed(template, host.Name, e.Message);
            return HospesError.Unavailable($"host '{host.Name}' at {host.Address} did not answer while template '{template}' was made reachable there: {e.InnerException?.Message ?? e.Message}");
        }
        finally
        {
            if (copy.Value.Scratch is { } scratch)
            {
                Storage.StoreFiles.DeleteQuietly(scratch);
            }

            gate.Release();
        }
    }

    /// <summary>The template's copy as it goes: the header line, then each file.</summary>
    private sealed class TemplateCopyContent(string headerLine, IReadOnlyList<string> paths) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(headerLine), cancellationToken).ConfigureAwait(false);
            foreach (string path in paths)
            {
                await using FileStream file = File.OpenRead(path);
                await file.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = System.Text.Encoding.UTF8.GetByteCount(headerLine) + paths.Sum(p => new FileInfo(p).Length);
            return true;
        }
    }
}
