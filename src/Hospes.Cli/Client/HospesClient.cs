using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Json;

namespace Hospes.Cli.Client;

/// <summary>The REST API over hospesd's unix socket: the only thing the CLI talks to.</summary>
internal sealed class HospesClient : IDisposable
{
    public const string SocketVariable = "HOSPES_SOCKET";
    public const string DefaultSocket = "/run/hospes/hospes.sock";
    private static readonly Uri Base = new("http://hospesd/");

    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _http;

    public HospesClient(string? socketPath)
    {
        SocketPath = socketPath ?? Environment.GetEnvironmentVariable(SocketVariable) ?? DefaultSocket;
        _handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw new ApiException(
                        $"cannot reach hospesd at {SocketPath} ({e.Message}); start it (./quickstart.sh does) or point --socket / {SocketVariable} at its socket",
                        code: "unreachable");
                }
            },
        };
        _http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = Base, Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath { get; }

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<T> DeleteAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Delete, path, null, ct);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    /// <summary>POSTs and hands each line of a streamed (application/x-ndjson) answer to <paramref name="onLine"/> as it arrives.</summary>
    public async Task PostStreamAsync<T>(string path, object? body, Func<T, Task> onLine, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendRawAsync(HttpMethod.Post, path, body, ct, streamed: true);
        await using Stream stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize<T>(line, HospesJson.Options) is { } item)
            {
                await onLine(item);
            }
        }
    }

    public async Task<string> GetTextAsync(string path, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendRawAsync(HttpMethod.Get, path, null, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>Opens the console WebSocket through the same unix socket.</summary>
    public async Task<ClientWebSocket> ConnectConsoleAsync(string name, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        try
        {
            await ws.ConnectAsync(new Uri($"ws://hospesd/v1/vms/{Uri.EscapeDataString(name)}/console"), new HttpMessageInvoker(_handler, disposeHandler: false), ct);
            return ws;
        }
        catch (WebSocketException e)
        {
            ws.Dispose();
            throw new ApiException($"cannot attach to the console of {name}: {e.Message}");
        }
    }

    /// <summary>Opens an API WebSocket (e.g. the TCP relay) through the same unix socket.</summary>
    public async Task<ClientWebSocket> ConnectWebSocketAsync(string path, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        try
        {
            await ws.ConnectAsync(new Uri($"ws://hospesd{path}"), new HttpMessageInvoker(_handler, disposeHandler: false), ct);
            return ws;
        }
        catch (WebSocketException e)
        {
            ws.Dispose();
            throw new ApiException($"cannot open {path}: {e.Message}");
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendRawAsync(method, path, body, ct);
        T? value = await response.Content.ReadFromJsonAsync<T>(HospesJson.Options, ct);
        return value ?? throw new ApiException($"hospesd sent an empty answer to {method} {path}");
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken ct, bool streamed = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: HospesJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, streamed ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is ApiException api)
        {
            throw api;
        }
        catch (HttpRequestException e)
        {
            throw new ApiException($"cannot talk to hospesd at {SocketPath}: {e.Message}", code: "unreachable");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            ErrorBody? error = null;
            try
            {
                error = await response.Content.ReadFromJsonAsync<ErrorBody>(HospesJson.Options, ct);
            }
            catch (JsonException)
            {
            }

            throw error is null
                ? new ApiException($"hospesd answered {(int)response.StatusCode} {response.StatusCode} to {method} {path}")
                : new ApiException(error.Error);
        }
    }

    public static string Escape(string segment) => Uri.EscapeDataString(segment);
}
