using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Tests.Qmp;

/// <summary>Finding #10 (the rest): a guest that makes QEMU emit events in a loop cannot grow hospesd's memory through them.</summary>
public sealed class QmpEventBufferTests
{
    [Fact]
    public void AFloodWhileTheReaderIsBehind_StaysBounded_KeepsEveryStateEventInOrder_AndIsNotedOnce()
    {
        var notes = new List<string>();
        var buffer = new QmpEventBuffer(notes.Add, TimeProvider.System);

        for (int i = 0; i < 50_000; i++)
        {
            buffer.Add(Event("RESET", """{"guest": true, "reason": "guest-reset"}"""));
            buffer.Add(Event("RTC_CHANGE", $$"""{"offset": {{i}}}"""));
            buffer.Add(Event("BALLOON_CHANGE", $$"""{"actual": {{i}}}"""));
            if (i == 25_000)
            {
                buffer.Add(Event("STOP", "{}"));
                buffer.Add(Event("SHUTDOWN", """{"guest": true, "reason": "guest-shutdown"}"""));
            }
        }

        buffer.Add(Event("MIGRATION", """{"status": "completed"}"""));

        Assert.True(buffer.Count <= QmpEventBuffer.SoftLimit + 5, $"{buffer.Count} events held");
        var read = new List<string>();
        while (buffer.TryRead(out QmpEvent? e))
        {
            read.Add(e.Name);
        }

        Assert.Equal(["STOP", "SHUTDOWN", "MIGRATION"], read.Where(n => n is "STOP" or "SHUTDOWN" or "MIGRATION"));
        Assert.True(read.IndexOf("SHUTDOWN") < read.LastIndexOf("RESET"), "the reset after the shutdown was lost");
        Assert.Equal((50_000 * 3) + 3 - read.Count, buffer.Dropped);
        Assert.Single(notes);
        Assert.Contains("RTC_CHANGE", notes[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQemuFloodingResets_ThroughItsMonitor_HoldsABoundedBacklog_AndStillAnswersCommands()
    {
        using var dir = new TempDir();
        string path = dir.File("fake.qmp");
        using var server = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(path));
        server.Listen(1);
        Task serve = FloodAsync(server, resets: 20_000);
        using var log = new QmpLog(dir.File("qmp.log"), TimeProvider.System);
        QmpConnection qmp = await QmpConnection.ConnectAsync(path, log, TimeProvider.System, CancellationToken.None);

        // Nobody reads the events; the command after the flood is answered all the same.
        await qmp.ExecuteAsync("query-status", null, logged: false).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(qmp.Events.Count <= QmpEventBuffer.SoftLimit + 1, $"{qmp.Events.Count} events held");
        var names = new List<string>();
        while (qmp.Events.TryRead(out QmpEvent? e))
        {
            names.Add(e.Name);
        }

        Assert.Equal("SHUTDOWN", names[^1]);
        await qmp.DisposeAsync();
        Assert.Contains("events came faster than hospesd read them", File.ReadAllText(dir.File("qmp.log")), StringComparison.Ordinal);
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static QmpEvent Event(string name, string data) => new(name, JsonDocument.Parse(data).RootElement.Clone(), DateTimeOffset.UtcNow);

    /// <summary>Greets, answers qmp_capabilities, emits the resets and a guest shutdown, then answers the next command.</summary>
    private static async Task FloodAsync(Socket server, int resets)
    {
        using Socket client = await server.AcceptAsync();
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, \"major\": 10}, \"package\": \"\"}, \"capabilities\": []}}\n"));
        await reader.ReadLineAsync();
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"return\": {}, \"id\": 1}\n"));
        var flood = new StringBuilder();
        for (int i = 0; i < resets; i++)
        {
            flood.Append("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESET\", \"data\": {\"guest\": true, \"reason\": \"guest-reset\"}}\n");
        }

        flood.Append("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 3}, \"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(flood.ToString()));
        await reader.ReadLineAsync();
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": 2}\n"));
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (IOException)
        {
        }
    }
}
