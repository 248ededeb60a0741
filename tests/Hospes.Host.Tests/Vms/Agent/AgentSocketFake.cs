using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Hospes.Host.Tests.Vms.Agent;

/// <summary>
/// A guest agent on a real unix socket that counts its connections: it answers guest-sync-delimited and guest-ping on
/// each (guest-exec with pid 7, whose status is exited with <see cref="ExitCode"/>; guest-file-open/-write/-close, the
/// writes recorded; guest-file-read of <see cref="Files"/>; guest-ssh-add-authorized-keys, recorded), and can drop the
/// connection it holds (as a QEMU that ends does).
/// </summary>
internal sealed class AgentSocketFake : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hospes-agentlink-").FullName;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Task _serving;
    private readonly Lock _gate = new();
    private readonly List<Socket> _open = [];
    private int _accepted;
    private int _closed;

    public AgentSocketFake()
    {
        SocketPath = Path.Combine(_dir, "vm.qga");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(4);
        _serving = AcceptAsync();
    }

    public string SocketPath { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections whose client closed them.</summary>
    public int ClosedByClient => Volatile.Read(ref _closed);

    public List<string> Commands { get; } = [];

    /// <summary>The arguments of every guest-exec, in order.</summary>
    public List<JsonObject> Execs { get; } = [];

    /// <summary>What each guest-file-write wrote, by the path its handle was opened for (text), in order.</summary>
    public List<(string Path, string Text)> Writes { get; } = [];

    /// <summary>The guest's files guest-file-read gives (path → text); opening another for reading fails as a missing file does.</summary>
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Every guest-file-open's path and mode, in order.</summary>
    public List<(string Path, string Mode)> Opens { get; } = [];

    /// <summary>The arguments of every guest-ssh-add-authorized-keys, in order.</summary>
    public List<(string User, string[] Keys, bool Reset)> SshKeysAdded { get; } = [];

    /// <summary>Whether guest-ssh-add-authorized-keys is unknown, as to qemu-ga before 5.2 (CommandNotFound).</summary>
    public bool LacksSshKeys { get; set; }

    /// <summary>Whether guest-file-open is answered with an error, as an agent run with it disabled (qemu-ga -b) does.</summary>
    public bool RefuseFiles { get; set; }

    /// <summary>The time (ns since the epoch) of every guest-set-time, in order.</summary>
    public List<long> SetTimes { get; } = [];

    /// <summary>What guest-set-time answers as its error (null: it succeeds), as qemu-ga when hwclock fails or the command is disabled.</summary>
    public string? SetTimeFails { get; set; }

    /// <summary>What guest-get-time answers (ns since the epoch): the last time set unless given.</summary>
    public long? GuestTimeNs { get; set; }

    /// <summary>What each guest-exec's program exits with.</summary>
    public int ExitCode { get; set; }

    /// <summary>Drops every connection it holds, as a QEMU that ended.</summary>
    public void DropAll()
    {
        lock (_gate)
        {
            foreach (Socket s in _open)
            {
                s.Shutdown(SocketShutdown.Both);
                s.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds (the fake's side runs on its own tasks).</summary>
    public static async Task Until(Func<bool> done)
    {
        for (int i = 0; i < 500 && !done(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(done(), "the fake agent never saw what the test waited for");
    }

    private async Task AcceptAsync()
    {
        var serving = new List<Task>();
        try
        {
            while (true)
            {
                Socket s = await _listener.AcceptAsync();
                Interlocked.Increment(ref _accepted);
                lock (_gate)
                {
                    _open.Add(s);
                }

                serving.Add(ServeAsync(s));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(serving);
    }

    private async Task ServeAsync(Socket s)
    {
        try
        {
            await using var stream = new NetworkStream(s, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            string opened = "";
            while (await reader.ReadLineAsync() is { } line)
            {
                line = line.TrimStart('\xFF');
                if (line.Length == 0)
                {
                    continue;
                }

                var request = (JsonObject)JsonNode.Parse(line)!;
                string command = (string)request["execute"]!;
                lock (Commands)
                {
                    Commands.Add(command);
                }

                if (command == "guest-exec")
                {
                    lock (Commands)
                    {
                        Execs.Add((JsonObject)request["arguments"]!.DeepClone());
                    }
                }

                if (command == "guest-set-time")
                {
                    lock (Commands)
                    {
                        SetTimes.Add((long)request["arguments"]!["time"]!);
                    }

                    if (SetTimeFails is { } fails)
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(new JsonObject { ["error"] = new JsonObject { ["class"] = "GenericError", ["desc"] = fails } }.ToJsonString() + "\n"));
                        continue;
                    }
                }

                if (command == "guest-file-open" && RefuseFiles)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"error\":{\"class\":\"GenericError\",\"desc\":\"The command guest-file-open has been disabled for this instance\"}}\n"));
                    continue;
                }

                if (command == "guest-file-open")
                {
                    opened = (string)request["arguments"]!["path"]!;
                    string mode = (string?)request["arguments"]!["mode"] ?? "r";
                    lock (Commands)
                    {
                        Opens.Add((opened, mode));
                    }

                    if (mode == "r" && !Files.ContainsKey(opened))
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{{\"error\":{{\"class\":\"GenericError\",\"desc\":\"failed to open file '{opened}' (mode: 'r'): No such file or directory\"}}}}\n"));
                        continue;
                    }
                }

                if (command == "guest-ssh-add-authorized-keys")
                {
                    if (LacksSshKeys)
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command guest-ssh-add-authorized-keys has not been found\"}}\n"));
                        continue;
                    }

                    JsonNode args = request["arguments"]!;
                    lock (Commands)
                    {
                        SshKeysAdded.Add(((string)args["username"]!, [.. args["keys"]!.AsArray().Select(k => (string)k!)], (bool?)args["reset"] ?? false));
                    }
                }

                int wrote = 0;
                if (command == "guest-file-write")
                {
                    byte[] bytes = Convert.FromBase64String((string)request["arguments"]!["buf-b64"]!);
                    wrote = bytes.Length;
                    lock (Commands)
                    {
                        Writes.Add((opened, Encoding.UTF8.GetString(bytes)));
                    }
                }

                JsonNode? value = command switch
                {
                    "guest-sync-delimited" => request["arguments"]!["id"]!.DeepClone(),
                    "guest-exec" => new JsonObject { ["pid"] = 7 },
                    "guest-exec-status" => new JsonObject { ["exited"] = true, ["exitcode"] = ExitCode },
                    "guest-file-open" => 1000,
                    "guest-get-time" => GuestTimeNs ?? SetTimes.LastOrDefault(),
                    "guest-file-write" => new JsonObject { ["count"] = wrote, ["eof"] = false },
                    "guest-file-read" => new JsonObject { ["count"] = Files[opened].Length, ["buf-b64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Files[opened])), ["eof"] = true },
                    _ => new JsonObject(),
                };
                byte[] reply = Encoding.UTF8.GetBytes(new JsonObject { ["return"] = value }.ToJsonString() + "\n");
                await stream.WriteAsync(command == "guest-sync-delimited" ? [0xFF, .. reply] : reply);
            }

            Interlocked.Increment(ref _closed);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        DropAll();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        Directory.Delete(_dir, recursive: true);
    }
}
