using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;

namespace Hospes.Host.Edge;

/// <summary>`GET /v1/events?cluster=true`: this host's events and every other member's, as the caller may see them (<see cref="ClusterEventMerge"/>).</summary>
public sealed partial class ClusterForwarding
{
    /// <summary>A member's stream with nothing on it, not even its heartbeat (every 15 s), for this long is taken for broken.</summary>
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(40);

    /// <summary>
    /// Follows this host's events (<paramref name="local"/>, already the caller's) and each other member's up, asked as
    /// <paramref name="caller"/> with the same filters (<paramref name="vm"/>, <paramref name="types"/>). Dispose it to stop.
    /// </summary>
    public async Task<ClusterEvents> EventsAsync(Caller caller, EventFeed local, string? vm, string? types, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(local);
        string envelope = EnvelopeOf(caller);
        string path = Routes.Events;
        if (!string.IsNullOrEmpty(vm))
        {
            path = Routes.Query(path, "vm", vm);
        }

        if (!string.IsNullOrWhiteSpace(types))
        {
            path = Routes.Query(path, "type", types);
        }

        var hosts = new Dictionary<string, ForwardHost>(StringComparer.Ordinal);
        var merge = new ClusterEventMerge(
            HostName,
            local.ReadAllAsync(CancellationToken.None),
            async c =>
            {
                Result<IReadOnlyList<MemberRecord>> others = await _cluster.OthersUpAsync(c).ConfigureAwait(false);
                if (!others.IsOk)
                {
                    return null;
                }

                var up = new List<string>();
                foreach (MemberRecord m in others.Value)
                {
                    if (Target(new RemoteOwner(m, Up: true), $"host '{m.Name}'") is { IsOk: true } target)
                    {
                        lock (hosts)
                        {
                            hosts[m.Name] = target.Value;
                        }

                        up.Add(m.Name);
                    }
                }

                return up;
            },
            (name, c) =>
            {
                ForwardHost host;
                lock (hosts)
                {
                    host = hosts[name];
                }

                return OpenMemberEventsAsync(host, envelope, path, c);
            },
            ClusterEventTiming.Default,
            _time,
            LogMemberEventsLost,
            LogMemberEventsBack);
        try
        {
            await merge.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await merge.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ClusterEvents(merge);
    }

    /// <summary>A member's `GET /v1/events` as JSON lines, asked with the caller's envelope (the member shows only what the caller may see).</summary>
    private async Task<IAsyncEnumerable<HostEvent>> OpenMemberEventsAsync(ForwardHost host, string envelope, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Add(EnvelopeHeader, envelope);
        request.Headers.TryAddWithoutValidation("Accept", "application/x-ndjson");
        using var within = CancellationTokenSource.CreateLinkedTokenSource(ct);
        within.CancelAfter(ListWithin);
        HttpResponseMessage answer;
        try
        {
            answer = await Client(host).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, within.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new MemberEventsException($"host '{host.Name}' at {host.Address} did not answer: {e.InnerException?.Message ?? e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new MemberEventsException($"host '{host.Name}' at {host.Address} did not answer within {ListWithin.TotalSeconds:0} s", e);
        }

        if (!answer.IsSuccessStatusCode)
        {
            using (answer)
            {
                string body = await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                throw new MemberEventsException(string.Create(CultureInfo.InvariantCulture, $"host '{host.Name}' answered {(int)answer.StatusCode}: {body}"));
            }
        }

        return ReadMemberEventsAsync(host, answer, ct);
    }

    private static async IAsyncEnumerable<HostEvent> ReadMemberEventsAsync(ForwardHost host, HttpResponseMessage answer, [EnumeratorCancellation] CancellationToken ct)
    {
        using (answer)
        {
            using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            while (true)
            {
                string? line;
                HostEvent? e;
                try
                {
                    line = await reader.ReadLineAsync(ct).AsTask().WaitAsync(QuietLimit, ct).ConfigureAwait(false);
                    e = string.IsNullOrWhiteSpace(line) ? null : JsonSerializer.Deserialize<HostEvent>(line, WireJson.Options);
                }
                catch (TimeoutException x)
                {
                    throw new MemberEventsException($"host '{host.Name}' sent nothing, not even a heartbeat, for {QuietLimit.TotalSeconds:0} s", x);
                }
                catch (Exception x) when (x is IOException or HttpRequestException or JsonException)
                {
                    throw new MemberEventsException($"host '{host.Name}''s stream broke off: {x.Message}", x);
                }

                if (line is null)
                {
                    yield break;
                }

                if (e is not null)
                {
                    yield return e;
                }
            }
        }
    }
}

/// <summary>The cluster-wide event stream of one caller; dispose it to stop following every member.</summary>
public sealed class ClusterEvents : IAsyncDisposable
{
    private readonly ClusterEventMerge _merge;

    internal ClusterEvents(ClusterEventMerge merge) => _merge = merge;

    /// <summary>The events of every member, each with its host; a lagged event naming a host where some may have been missed.</summary>
    public IAsyncEnumerable<HostEvent> ReadAllAsync(CancellationToken ct) => _merge.ReadAllAsync(ct);

    public ValueTask DisposeAsync() => _merge.DisposeAsync();
}
