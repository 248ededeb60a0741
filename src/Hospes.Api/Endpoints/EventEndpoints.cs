using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Net.Http.Headers;

namespace Hospes.Api.Endpoints;

/// <summary>
/// `GET /v1/events`: the host's events as they happen, JSON lines by default, server-sent events for
/// `Accept: text/event-stream`. It runs until the client goes or hospesd stops, and never holds hospesd's shutdown.
/// `?cluster=true` in a cluster: every member's events, each naming its host (<see cref="ClusterForwarding.EventsAsync"/>).
/// </summary>
internal static class EventEndpoints
{
    /// <summary>How long the stream may be quiet before a heartbeat goes out.</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(Routes.Events, StreamAsync);

    private static async Task StreamAsync(HttpContext http, EventsApi events, ClusterForwarding forwarding, IHostApplicationLifetime lifetime, string? vm, string? type, bool? cluster)
    {
        Result<EventFeed> opened = events.Open(Callers.Of(http), vm, type);
        if (!opened.IsOk)
        {
            await ApiResults.Error(opened.Error).ExecuteAsync(http);
            return;
        }

        using EventFeed feed = opened.Value;
        bool sse = http.Request.Headers.Accept.Any(a => a?.Contains(EventFraming.ServerSent, StringComparison.OrdinalIgnoreCase) == true);
        http.Response.ContentType = sse ? EventFraming.ServerSent : EventFraming.Ndjson;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on at once
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        CancellationToken ct = stop.Token;

        // Every member's (not when asked by another member: its own events only, so no stream is merged twice).
        await using ClusterEvents? merged = cluster == true && forwarding.InCluster && !http.Request.Headers.ContainsKey(ClusterForwarding.EnvelopeHeader)
            ? await forwarding.EventsAsync(Callers.Of(http), feed, vm, type, ct)
            : null;
        IAsyncEnumerator<HostEvent> next = (merged?.ReadAllAsync(ct) ?? feed.ReadAllAsync(ct)).GetAsyncEnumerator(ct);
        Task<bool>? pending = null;
        try
        {
            await http.Response.StartAsync(ct);
            await http.Response.Body.FlushAsync(ct);
            pending = next.MoveNextAsync().AsTask();
            while (true)
            {
                bool more;
                try
                {
                    more = await pending.WaitAsync(HeartbeatEvery, ct);
                }
                catch (TimeoutException)
                {
                    await WriteAsync(http, EventFraming.Heartbeat(sse), ct);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                await WriteAsync(http, EventFraming.Frame(next.Current, sse), ct);
                pending = next.MoveNextAsync().AsTask();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went, or hospesd stops: the stream just ends.
        }
        finally
        {
            // The read still waiting must end before its enumerator goes.
            await stop.CancelAsync();
            if (pending is not null)
            {
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            await next.DisposeAsync();
        }
    }

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken ct)
    {
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
