using System.Text.Json;
using Hospes.Contracts;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api;

/// <summary>
/// A response of JSON lines (application/x-ndjson) for long runs the CLI draws progress of. Writing stops quietly
/// when the client goes away; the run itself goes on (half-done work would only be cleaned up later).
/// </summary>
internal sealed class NdjsonStream(HttpContext http)
{
    private bool _clientGone;
    private bool _started;

    public async Task WriteAsync<T>(T item)
    {
        if (_clientGone)
        {
            return;
        }

        try
        {
            if (!_started)
            {
                http.Response.ContentType = "application/x-ndjson";
                _started = true;
            }

            await http.Response.WriteAsync(JsonSerializer.Serialize(item, WireJson.Options) + "\n", CancellationToken.None);
            await http.Response.Body.FlushAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _clientGone = true;
        }
    }
}
