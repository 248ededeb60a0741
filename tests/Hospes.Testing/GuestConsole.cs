using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Hospes.Client;

namespace Hospes.Testing;

/// <summary>A VM's console through the API's WebSocket: type lines, wait for what the guest prints.</summary>
public sealed class GuestConsole : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly StringBuilder _output = new();
    private readonly Task _reader;
    private readonly CancellationTokenSource _stop = new();

    private GuestConsole(ClientWebSocket ws)
    {
        _ws = ws;
        _reader = Task.Run(ReadAsync);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool Closed => _reader.IsCompleted;

    public static async Task<GuestConsole> OpenAsync(HospesClient client, string name)
    {
        ClientWebSocket ws = await client.Console.ConnectAsync(name, CancellationToken.None);
        return new GuestConsole(ws);
    }

    public Task SendLineAsync(string line) => _ws.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Waits for <paramref name="pattern"/> in what arrived after position <paramref name="from"/>.</summary>
    public async Task<Match> WaitForAsync(string pattern, TimeSpan? limit = null, int from = 0)
    {
        var regex = new Regex(pattern, RegexOptions.Multiline);
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            string text = Output;
            Match m = regex.Match(text, Math.Min(from, text.Length));
            if (m.Success)
            {
                return m;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{pattern}' did not appear on the console within {(limit ?? TimeSpan.FromSeconds(30)).TotalSeconds} s; got:\n{text[Math.Min(from, text.Length)..]}");
            }

            await Task.Delay(50);
        }
    }

    public async Task WaitClosedAsync(TimeSpan limit) => await _reader.WaitAsync(limit);

    /// <summary>Closes the way a client should: a close frame, then wait for the server's (everything sent is delivered).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ws.State == WebSocketState.Open)
        {
            try
            {
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                await _reader.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
            }
        }

        await _stop.CancelAsync();
        await _reader;
        _ws.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        byte[] buffer = new byte[8192];
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                WebSocketReceiveResult r = await _ws.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    if (_ws.State == WebSocketState.CloseReceived)
                    {
                        await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }

                    return;
                }

                lock (_output)
                {
                    _output.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }
}
