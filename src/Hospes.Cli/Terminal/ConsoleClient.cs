using System.Net.WebSockets;
using Hospes.Cli.Commands;
using Hospes.Client;
using Hospes.Contracts.Vms;

namespace Hospes.Cli.Terminal;

/// <summary>
/// `hospes console`: the guest's serial console in this terminal. Ctrl-] detaches (as virsh and xl do).
/// With stdin not a terminal, the input is sent and the session ends once the guest has been quiet
/// for a second after the input ran out, so scripts can use it.
/// </summary>
internal static class ConsoleClient
{
    private const byte DetachKey = 0x1d; // Ctrl-]
    private static readonly TimeSpan QuietAfterInput = TimeSpan.FromSeconds(1);

    public static async Task<int> AttachAsync(HospesClient client, string name, CancellationToken ct)
    {
        // Ask first, so a stopped VM gets a clear message rather than a failed WebSocket upgrade.
        var vm = await client.Vms.GetAsync(name, ct);
        if (vm.State is VmState.Shutoff or VmState.Saved)
        {
            throw new CliException($"{name} is {vm.State.ToString().ToLowerInvariant()}: start it first; `hospes console {name} --show-log` shows what it wrote");
        }

        using ClientWebSocket ws = await client.Console.ConnectAsync(name, ct);
        bool interactive = !Console.IsInputRedirected;
        if (interactive)
        {
            await Console.Error.WriteLineAsync($"Connected to the console of {name}; Ctrl-] detaches.");
        }

        using var raw = RawTerminal.Enter();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long lastOutput = Environment.TickCount64;
        Task output = Task.Run(async () =>
        {
            byte[] buffer = new byte[16 * 1024];
            using Stream stdout = Console.OpenStandardOutput();
            try
            {
                while (ws.State == WebSocketState.Open)
                {
                    WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, session.Token);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    await stdout.WriteAsync(buffer.AsMemory(0, r.Count), session.Token);
                    await stdout.FlushAsync(session.Token);
                    Interlocked.Exchange(ref lastOutput, Environment.TickCount64);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }, CancellationToken.None);

        Task<bool> input = Task.Run(async () =>
        {
            byte[] buffer = new byte[1024];
            using Stream stdin = Console.OpenStandardInput();
            while (!session.IsCancellationRequested)
            {
                int n = await stdin.ReadAsync(buffer, session.Token);
                if (n == 0)
                {
                    return false;
                }

                int detach = Array.IndexOf(buffer, DetachKey, 0, n);
                int send = detach >= 0 ? detach : n;
                if (send > 0)
                {
                    await ws.SendAsync(buffer.AsMemory(0, send), WebSocketMessageType.Binary, true, session.Token);
                }

                if (detach >= 0)
                {
                    return true;
                }
            }

            return true;
        }, CancellationToken.None);

        try
        {
            Task first = await Task.WhenAny(output, input);
            if (first == input && !await input && !interactive)
            {
                // Input ran out: give the guest time to answer, then leave.
                while (!output.IsCompleted && Environment.TickCount64 - Interlocked.Read(ref lastOutput) < QuietAfterInput.TotalMilliseconds)
                {
                    await Task.WhenAny(output, Task.Delay(100, ct));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        // Leave politely: our close frame, then the output task ends on the server's answer.
        if (ws.State == WebSocketState.Open)
        {
            try
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "detached", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
        }

        await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        await session.CancelAsync();
        raw.Dispose();
        if (interactive)
        {
            await Console.Error.WriteLineAsync($"\r\nDetached from {name}.");
        }

        return 0;
    }
}
