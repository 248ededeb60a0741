using System.Net.Sockets;
using System.Text;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Tests.Qmp;

/// <summary>Timeouts and refusals, against a scripted monitor (QemuLauncherTests covers a real QEMU).</summary>
public class QmpConnectionTests
{
    private const string Greeting = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, \"major\": 10}, \"package\": \"\"}, \"capabilities\": []}}\n";

    [Fact]
    public async Task Command_ThatQemuNeverAnswers_TimesOutNamingTheCommand()
    {
        using var dir = new TempDir();
        string path = dir.File("fake.qmp");
        using var server = Listen(path);
        Task serve = ServeAsync(server, answerCommands: 1);
        using var log = new QmpLog(null, TimeProvider.System);
        QmpConnection qmp = await QmpConnection.ConnectAsync(path, log, TimeProvider.System, CancellationToken.None);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => qmp.ExecuteAsync("query-status", timeout: TimeSpan.FromMilliseconds(200)));

        Assert.Equal("QEMU did not answer query-status within 0.2 s", e.Message);
        Assert.Equal(new Version(10, 0, 2), qmp.QemuVersion);
        await qmp.DisposeAsync();
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ErrorReply_BecomesQmpExceptionWithQemusDescription()
    {
        using var dir = new TempDir();
        string path = dir.File("fake.qmp");
        using var server = Listen(path);
        Task serve = ServeAsync(server, answerCommands: 2, error: "{\"error\": {\"class\": \"GenericError\", \"desc\": \"No migration in progress\"}, \"id\": 2}\n");
        using var log = new QmpLog(null, TimeProvider.System);
        QmpConnection qmp = await QmpConnection.ConnectAsync(path, log, TimeProvider.System, CancellationToken.None);

        var e = await Assert.ThrowsAsync<QmpException>(() => qmp.ExecuteAsync("migrate_cancel"));

        Assert.Equal("GenericError", e.ErrorClass);
        Assert.Equal("QEMU refused migrate_cancel: No migration in progress", e.Message);
        await qmp.DisposeAsync();
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Disconnect_FailsPendingCommands_AndCompletesClosedAndEvents()
    {
        using var dir = new TempDir();
        string path = dir.File("fake.qmp");
        using var server = Listen(path);
        Task serve = ServeAsync(server, answerCommands: 1, closeAfter: true);
        using var log = new QmpLog(null, TimeProvider.System);
        await using QmpConnection qmp = await QmpConnection.ConnectAsync(path, log, TimeProvider.System, CancellationToken.None);

        await Assert.ThrowsAsync<QmpDisconnectedException>(() => qmp.ExecuteAsync("query-status").WaitAsync(TimeSpan.FromSeconds(10)));
        await qmp.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(await qmp.Events.WaitToReadAsync());
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static Socket Listen(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        s.Listen(1);
        return s;
    }

    /// <summary>Greets, answers the first <paramref name="answerCommands"/> commands (the last one with <paramref name="error"/> if given), then stays silent or hangs up.</summary>
    private static async Task ServeAsync(Socket server, int answerCommands, string? error = null, bool closeAfter = false)
    {
        using Socket client = await server.AcceptAsync();
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Greeting));
        for (int i = 1; i <= answerCommands; i++)
        {
            if (await reader.ReadLineAsync() is null)
            {
                return;
            }

            string reply = i == answerCommands && error is not null ? error : $"{{\"return\": {{}}, \"id\": {i}}}\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply));
        }

        if (closeAfter)
        {
            await reader.ReadLineAsync(); // the command that will never be answered
            return;
        }

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
