using System.Globalization;
using System.Text.Json;
using Hospes.Contracts;

namespace Hospes.Api.Endpoints;

/// <summary>
/// How one event is written: a JSON line (application/x-ndjson), or a server-sent event (text/event-stream, what a
/// browser's EventSource reads: id, event type, data). A heartbeat keeps proxies and clients sure the stream lives.
/// </summary>
internal static class EventFraming
{
    public const string Ndjson = "application/x-ndjson";
    public const string ServerSent = "text/event-stream";

    public static string Frame(HostEvent e, bool sse)
    {
        string json = JsonSerializer.Serialize(e, WireJson.Options);
        return sse
            ? string.Create(CultureInfo.InvariantCulture, $"id: {e.Id}\nevent: {e.Type}\ndata: {json}\n\n")
            : json + "\n";
    }

    /// <summary>An SSE comment (EventSource ignores it), or an empty JSON line (readers skip it).</summary>
    public static string Heartbeat(bool sse) => sse ? ": heartbeat\n\n" : "\n";
}
