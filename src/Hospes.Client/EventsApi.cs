using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>`GET /v1/events`: the host's events as they happen, as far as this connection's user may see them.</summary>
public sealed class EventsApi
{
    private readonly HospesConnection _c;

    internal EventsApi(HospesConnection connection) => _c = connection;

    /// <summary>
    /// The events from now on, until <paramref name="ct"/> or hospesd ends the stream. <paramref name="vm"/>: only that
    /// VM's; <paramref name="types"/>: only these types (or their first words, "vm", "memory").
    /// </summary>
    public IAsyncEnumerable<HostEvent> WatchAsync(string? vm, IReadOnlyCollection<string>? types, CancellationToken ct) =>
        WatchAsync(vm, types, cluster: false, ct);

    /// <summary>
    /// As <see cref="WatchAsync(string?, IReadOnlyCollection{string}?, CancellationToken)"/>; <paramref name="cluster"/>:
    /// every cluster member's events (each naming its host in <see cref="HostEvent.Host"/>; a lagged event naming a host
    /// when some of its events may have been missed), not only this host's.
    /// </summary>
    public IAsyncEnumerable<HostEvent> WatchAsync(string? vm, IReadOnlyCollection<string>? types, bool cluster, CancellationToken ct)
    {
        string path = Routes.Events;
        if (cluster)
        {
            path = Routes.Query(path, "cluster", "true");
        }

        if (!string.IsNullOrEmpty(vm))
        {
            path = Routes.Query(path, "vm", vm);
        }

        if (types is { Count: > 0 })
        {
            path = Routes.Query(path, "type", string.Join(',', types));
        }

        return _c.StreamAsync<HostEvent>(HttpMethod.Get, path, null, ct);
    }
}
