using Hospes.Host.Machine;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>One caller's open stream; dispose it (the client went, hospesd stops) to unsubscribe.</summary>
public sealed class EventFeed : IDisposable
{
    private readonly EventsApi _api;
    private readonly Caller _caller;
    private readonly EventSubscription _subscription;

    internal EventFeed(EventsApi api, Caller caller, EventSubscription subscription)
    {
        _api = api;
        _caller = caller;
        _subscription = subscription;
    }

    /// <summary>The events the caller may see, as they come; ends on <paramref name="ct"/> or when disposed.</summary>
    public async IAsyncEnumerable<Wire.HostEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (HostEvent e in _subscription.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (_api.Visible(_caller, e) is { } visible)
            {
                yield return visible;
            }
        }
    }

    public void Dispose() => _subscription.Dispose();
}
