using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hospes.Qemu.Qmp;

namespace Hospes.Testing.Fakes;

/// <summary>
/// A QEMU monitor in memory: answers commands by name (a default for what every VM asks, or what a test set),
/// records what it was asked, emits events when told, and closes like a QEMU that exits.
/// </summary>
public sealed class FakeQmp : IQmp
{
    private readonly ConcurrentDictionary<string, Func<JsonObject?, string>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Command, JsonObject? Arguments)> _asked = new();
    private readonly ConcurrentQueue<(string Command, string Path)> _passed = new();
    private readonly Channel<QmpEvent> _events = Channel.CreateUnbounded<QmpEvent>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeQmp()
    {
        Answer("query-status", () => $$"""{"status": "{{Status}}", "running": {{(Status == "running" ? "true" : "false")}}}""");
        Answer("query-cpus-fast", """[{"cpu-index": 0, "thread-id": 4242}]""");
        Answer("query-balloon", () => $$"""{"actual": {{BalloonBytes}}}""");
        Answer("query-memory-size-summary", () => $$"""{"base-memory": {{BalloonBytes}}}""");
        Answer("stop", () => Set("paused"));
        Answer("cont", () => Set("running"));
        Answer("system_reset", "{}");
        Answer("qom-list", """[{"name": "type", "type": "string"}]""");
        Answer("add-fd", () => $$"""{"fdset-id": {{_passed.Count - 1}}, "fd": {{100 + _passed.Count}}}""");
        Answer("quit", () =>
        {
            Close();
            return "{}";
        });
    }

    public Version QemuVersion { get; set; } = new(10, 0, 2);

    /// <summary>What query-status says: running, paused, shutdown, guest-panicked, postmigrate, inmigrate...</summary>
    public string Status { get; set; } = "prelaunch";

    public long BalloonBytes { get; set; } = 256L << 20;

    public Task Closed => _closed.Task;

    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>The commands asked so far, in order.</summary>
    public IReadOnlyList<string> Asked => [.. _asked.Select(a => a.Command)];

    public JsonObject? ArgumentsOf(string command) => _asked.LastOrDefault(a => a.Command == command).Arguments;

    /// <summary>The arguments of every time <paramref name="command"/> was asked, in order.</summary>
    public IReadOnlyList<JsonObject?> AllArgumentsOf(string command) => [.. _asked.Where(a => a.Command == command).Select(a => a.Arguments)];

    public void Answer(string command, string json) => _answers[command] = _ => json;

    public void Answer(string command, Func<string> json) => _answers[command] = _ => json();

    public void Answer(string command, Func<JsonObject?, string> json) => _answers[command] = json;

    /// <summary>The command fails as QEMU refuses (QmpException).</summary>
    public void Refuse(string command, string description) => _answers[command] = _ => throw new QmpException(command, "GenericError", description);

    public void Emit(string name, string data = "{}") =>
        _events.Writer.TryWrite(new QmpEvent(name, JsonDocument.Parse(data).RootElement.Clone(), DateTimeOffset.UtcNow));

    /// <summary>The monitor closes, as when QEMU exits.</summary>
    public void Close()
    {
        _events.Writer.TryComplete();
        _closed.TrySetResult();
    }

    public Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, bool logged, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        if (_closed.Task.IsCompleted)
        {
            throw new QmpDisconnectedException($"QMP is closed; cannot run {command}");
        }

        _asked.Enqueue((command, arguments?.DeepClone().AsObject()));
        string json = _answers.TryGetValue(command, out var answer) ? answer(arguments) : "{}";
        return Task.FromResult(JsonDocument.Parse(json).RootElement.Clone());
    }

    /// <summary>add-fd and getfd: the file passed is recorded by its path (what /proc says the descriptor is).</summary>
    public Task<JsonElement> ExecuteWithFdAsync(string command, JsonObject? arguments, SafeHandle fd, CancellationToken ct = default)
    {
        string path = new FileInfo($"/proc/self/fd/{fd.DangerousGetHandle()}").LinkTarget ?? "";
        _passed.Enqueue((command, path));
        return ExecuteAsync(command, arguments, logged: true, ct: ct);
    }

    /// <summary>The files passed with add-fd or getfd, by command and path, in order.</summary>
    public IReadOnlyList<(string Command, string Path)> PassedFiles => [.. _passed];

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private string Set(string status)
    {
        Status = status;
        return "{}";
    }
}
