using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Tests.Qga;

/// <summary>
/// A guest agent on a real unix socket: it answers each command line with what the test's handler returns (raw
/// bytes, so a test can send anything a hostile guest would). guest-sync-delimited is answered properly unless the
/// handler takes it.
/// </summary>
internal sealed class FakeAgent : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hospes-qga-").FullName;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Func<string, JsonObject, byte[]?> _handler;
    private readonly Task _serving;

    public FakeAgent(Func<string, JsonObject, byte[]?> handler, byte[]? greeting = null)
    {
        _handler = handler;
        SocketPath = Path.Combine(_dir, "a.qga");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(1);
        _serving = ServeAsync(greeting ?? []);
    }

    public string SocketPath { get; }

    /// <summary>Every command received, in order.</summary>
    public List<string> Commands { get; } = [];

    public static byte[] Line(string json) => Encoding.UTF8.GetBytes(json + "\n");

    public static byte[] Return(JsonNode? value) => Line(new JsonObject { ["return"] = value }.ToJsonString());

    private async Task ServeAsync(byte[] greeting)
    {
        using Socket s = await _listener.AcceptAsync();
        await using var stream = new NetworkStream(s);
        await stream.WriteAsync(greeting);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        while (await reader.ReadLineAsync() is { } line)
        {
            line = line.TrimStart('\xFF');
            if (line.Length == 0)
            {
                continue;
            }

            var request = (JsonObject)JsonNode.Parse(line)!;
            string command = (string)request["execute"]!;
            Commands.Add(command);
            byte[]? reply = _handler(command, request["arguments"] as JsonObject ?? []);
            if (reply is null && command == "guest-sync-delimited")
            {
                reply = [0xFF, .. Return(request["arguments"]!["id"]!.DeepClone())];
            }

            if (reply is not null)
            {
                await stream.WriteAsync(reply);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        try
        {
            await _serving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or TimeoutException)
        {
        }

        Directory.Delete(_dir, recursive: true);
    }
}
