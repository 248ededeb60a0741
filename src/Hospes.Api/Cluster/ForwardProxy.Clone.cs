using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Cluster;

/// <summary>
/// `hospes clone` in a cluster: the run planned over the hosts at once (<see cref="ClusterForwarding.SpreadAsync"/>),
/// the template made reachable on each, each host's share asked of it as the caller (it authorizes again) and run
/// there with its own clone semantics; the hosts' progress merged into one stream, each line naming its host.
/// </summary>
internal sealed partial class ForwardProxy
{
    private async Task<bool> SpreadClonesAsync(HttpContext http, Caller caller, AuditedRequest request)
    {
        CancellationToken ct = http.RequestAborted;
        string? template = Value(http, "name");
        if (!http.Request.HasJsonContentType() || template is null || store.GetTemplate(template) is not { IsOk: true, Value.Running: false })
        {
            // No template here (or a running one): this host's clone answers as without a cluster.
            return false;
        }

        http.Request.EnableBuffering();
        CloneRequest? clone = await http.Request.ReadFromJsonAsync<CloneRequest>(WireJson.Options, ct);
        http.Request.Body.Position = 0;
        if (clone is null || clone.Names is not null)
        {
            return false;
        }

        Result<bool> allowed = gate.Authorize(caller, http.Request.Method, Routes.TemplateClone, n => Value(http, n));
        string? project = Value(http, "project");
        if (allowed.IsOk && project is not null && gate.CheckProject(http.Request.Method, Routes.TemplateClone, project, n => Value(http, n)) is { IsOk: false } noProject)
        {
            allowed = noProject.Error;
        }

        // A copy of another member's template is checked with its home first: refreshed, refused, or used with a warning.
        Result<string?> fresh = allowed.IsOk ? await forwarding.CheckCopyAsync(store, template, ct) : allowed.Error;
        Result<IReadOnlyList<string>> names = fresh.IsOk ? store.PlanClones(template, clone with { Host = null }, project) : fresh.Error;
        Result<IReadOnlyList<(string Name, ForwardHost Host)>> plan = names.IsOk
            ? await forwarding.SpreadAsync(template, names.Value, store.GetTemplate(template).Value.MemoryMib, clone.Host, ct)
            : names.Error;
        if (!plan.IsOk)
        {
            await request.RefuseAsync(caller.Display, caller.Source, plan.Error, record: true);
            return true;
        }

        using var run = new SpreadRun(new NdjsonStream(http), plan.Value.Count);
        if (fresh.Value is { } warning)
        {
            await run.WarnAsync(warning);
        }

        var shares = plan.Value.GroupBy(p => p.Host.Name, StringComparer.Ordinal).Select(g => (Host: g.First().Host, Names: (IReadOnlyList<string>)[.. g.Select(p => p.Name)])).ToList();
        await Task.WhenAll(shares.Select(s => s.Host.IsLocal
            ? RunHereAsync(run, template, clone, s.Names, project)
            : RunThereAsync(http, caller, run, template, clone, s.Host, s.Names)));
        await run.DoneAsync(plan.Value.ToDictionary(p => p.Name, p => p.Host.Name, StringComparer.Ordinal));
        request.Record(caller.Display, caller.Source, $"{http.Response.StatusCode} (clones placed on {string.Join(", ", shares.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Host.Name} {s.Names.Count}")))})");
        return true;
    }

    private async Task RunHereAsync(SpreadRun run, string template, CloneRequest clone, IReadOnlyList<string> names, string? project)
    {
        string host = forwarding.HostName;
        CloneEvent done = await store.CloneAsync(template, clone with { Names = names, Host = null }, names, e => run.EmitAsync(host, e), CancellationToken.None, project);
        run.Finish(host, done);
    }

    private async Task RunThereAsync(HttpContext http, Caller caller, SpreadRun run, string template, CloneRequest clone, ForwardHost host, IReadOnlyList<string> names)
    {
        Result<bool> reachable = await forwarding.EnsureTemplateAsync(host, store, template, CancellationToken.None);
        if (!reachable.IsOk)
        {
            await run.FailAllAsync(host.Name, names, reachable.Error.Message);
            return;
        }

        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, (http.Request.Path + http.Request.QueryString).ToString().TrimStart('/'))
            {
                Content = JsonContent.Create(clone with { Names = names, Host = null }, options: WireJson.Options),
            };
            message.Headers.Add(ClusterForwarding.EnvelopeHeader, forwarding.EnvelopeOf(caller));
            using HttpResponseMessage answer = await forwarding.Client(host).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            if (!answer.IsSuccessStatusCode)
            {
                string body = await answer.Content.ReadAsStringAsync(CancellationToken.None);
                await run.FailAllAsync(host.Name, names, TryMessage(body) ?? body);
                return;
            }

            using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(CancellationToken.None));
            CloneEvent? done = null;
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.Length == 0 || JsonSerializer.Deserialize<CloneEvent>(line, WireJson.Options) is not { } e)
                {
                    continue;
                }

                if (e.Event == "done")
                {
                    done = e;
                    break;
                }

                await run.EmitAsync(host.Name, e);
            }

            if (done is null)
            {
                await run.FailAllAsync(host.Name, names, "it ended its clone stream without a summary; `hospes list` shows what was made there");
                return;
            }

            run.Finish(host.Name, done);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            await run.FailAllAsync(host.Name, names, $"it did not answer: {e.InnerException?.Message ?? e.Message}; `hospes list` shows what was made there");
        }
    }

    /// <summary>The message of a wire error body; null when it is not one.</summary>
    private static string? TryMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out JsonElement error) && error.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One spread clone run's stream: each host's lines with its name, the counts summed over the hosts.</summary>
    private sealed class SpreadRun(NdjsonStream stream, int total) : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly ConcurrentDictionary<string, (int Created, int Ready, int Failed)> _counts = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<string> _failures = [];
        private readonly List<string> _warnings = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public async Task EmitAsync(string host, CloneEvent e)
        {
            _counts[host] = (e.Created, e.Ready, e.Failed);
            await _gate.WaitAsync();
            try
            {
                await stream.WriteAsync(e with { Host = host, Total = total, Created = Sum(c => c.Created), Ready = Sum(c => c.Ready), Failed = Sum(c => c.Failed), ElapsedS = _clock.Elapsed.TotalSeconds });
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>A warning of the run's (its template's copy used while the home is down): a line now, and on the done line.</summary>
        public async Task WarnAsync(string warning)
        {
            _warnings.Add(warning);
            await stream.WriteAsync(new CloneEvent { Event = "warning", Message = warning, Total = total, ElapsedS = _clock.Elapsed.TotalSeconds });
        }

        public void Finish(string host, CloneEvent done)
        {
            _counts[host] = (done.Created, done.Ready, done.Failed);
            foreach (string failure in done.Failures)
            {
                _failures.Add($"{failure} (on host {host})");
            }
        }

        public async Task FailAllAsync(string host, IReadOnlyList<string> names, string why)
        {
            for (int i = 0; i < names.Count; i++)
            {
                string message = $"on host '{host}': {why}";
                _failures.Add($"{names[i]}: {message}");
                await EmitAsync(host, new CloneEvent { Event = "failed", Name = names[i], Message = message, Failed = i + 1 });
            }
        }

        public Task DoneAsync(IReadOnlyDictionary<string, string> hosts) => stream.WriteAsync(new CloneEvent
        {
            Event = "done",
            Total = total,
            Created = Sum(c => c.Created),
            Ready = Sum(c => c.Ready),
            Failed = Sum(c => c.Failed),
            ElapsedS = _clock.Elapsed.TotalSeconds,
            Failures = [.. _failures.Order(StringComparer.Ordinal)],
            Warnings = [.. _warnings],
            Hosts = hosts,
        });

        public void Dispose() => _gate.Dispose();

        private int Sum(Func<(int Created, int Ready, int Failed), int> of) => _counts.Values.Sum(of);
    }
}
