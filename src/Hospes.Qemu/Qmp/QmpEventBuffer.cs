using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// The events of one QMP session waiting for their reader, bounded: a guest can make QEMU emit some in a loop (a reset
/// loop, balloon or RTC changes) faster than hospesd handles them. The read loop never waits on it (replies must flow).
/// Beyond <see cref="SoftLimit"/> unread events, an event hospesd does not act on is dropped, and so is a repeat of the
/// newest unread one (same name and data: it tells nothing new); a state event (<see cref="Kept"/>) is never dropped
/// below <see cref="HardLimit"/>. Drops are counted and noted at most every <see cref="NoteEvery"/>.
/// </summary>
public sealed class QmpEventBuffer : ChannelReader<QmpEvent>
{
    public const int SoftLimit = 64;
    public const int HardLimit = 1024;

    /// <summary>
    /// Events whose loss could leave hospesd wrong about its VM: power-off, reset, pause and run, panic, migration and
    /// block-job progress, device removal, I/O errors.
    /// </summary>
    public static readonly IReadOnlySet<string> Kept = new HashSet<string>(StringComparer.Ordinal)
    {
        "SHUTDOWN", "POWERDOWN", "RESET", "STOP", "RESUME", "SUSPEND", "WAKEUP", "GUEST_PANICKED", "GUEST_CRASHLOADED",
        "MIGRATION", "JOB_STATUS_CHANGE", "BLOCK_JOB_COMPLETED", "BLOCK_JOB_CANCELLED", "BLOCK_JOB_ERROR",
        "BLOCK_JOB_READY", "BLOCK_JOB_PENDING", "DEVICE_DELETED", "BLOCK_IO_ERROR",
    };

    private static readonly TimeSpan NoteEvery = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Queue<QmpEvent> _events = new();
    private readonly Dictionary<string, long> _unnoted = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string> _note;
    private readonly TimeProvider _time;
    private TaskCompletionSource<bool>? _waiter;
    private QmpEvent? _newest;
    private string? _newestData;
    private DateTimeOffset _notedAt = DateTimeOffset.MinValue;
    private bool _completed;

    /// <param name="note">Where the drops are told (the VM's QMP log), at most every ten seconds.</param>
    public QmpEventBuffer(Action<string> note, TimeProvider time)
    {
        _note = note;
        _time = time;
    }

    /// <summary>Events dropped so far.</summary>
    public long Dropped { get; private set; }

    public override bool CanCount => true;

    public override int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    public override Task Completion => _completion.Task;

    /// <summary>Queues <paramref name="e"/> unless the queue is behind and it tells nothing hospesd needs; never waits.</summary>
    public void Add(QmpEvent e)
    {
        TaskCompletionSource<bool>? wake = null;
        string? note = null;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            string data = e.Data.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "" : e.Data.GetRawText();
            bool behind = _events.Count >= SoftLimit;
            bool repeat = _events.Count > 0 && _newest is { } n && n.Name == e.Name && _newestData == data;
            if (_events.Count >= HardLimit || (behind && (repeat || !Kept.Contains(e.Name))))
            {
                Dropped++;
                _unnoted[e.Name] = _unnoted.GetValueOrDefault(e.Name) + 1;
                note = TakeNote(force: false);
            }
            else
            {
                _events.Enqueue(e);
                _newest = e;
                _newestData = data;
                wake = _waiter;
                _waiter = null;
            }
        }

        wake?.TrySetResult(true);
        if (note is not null)
        {
            _note(note);
        }
    }

    /// <summary>No more events come (the session ended); the reader gets what is queued, then the end.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? wake;
        string? note;
        lock (_lock)
        {
            _completed = true;
            note = _unnoted.Count > 0 ? TakeNote(force: true) : null;
            wake = _waiter;
            _waiter = null;
            if (_events.Count == 0)
            {
                _completion.TrySetResult();
            }
        }

        wake?.TrySetResult(false);
        if (note is not null)
        {
            _note(note);
        }
    }

    public override bool TryRead([MaybeNullWhen(false)] out QmpEvent item)
    {
        string? note = null;
        lock (_lock)
        {
            if (!_events.TryDequeue(out item))
            {
                return false;
            }

            if (_events.Count == 0)
            {
                // Caught up: what was dropped meanwhile is told now (when a note is due), not only at the next flood.
                note = _unnoted.Count > 0 ? TakeNote(force: false) : null;
                if (_completed)
                {
                    _completion.TrySetResult();
                }
            }
        }

        if (note is not null)
        {
            _note(note);
        }

        return true;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_events.Count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask<bool>(_waiter.Task.WaitAsync(cancellationToken));
        }
    }

    /// <summary>The line telling the drops not told yet, when one is due; called under the lock.</summary>
    private string? TakeNote(bool force)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (!force && now - _notedAt < NoteEvery)
        {
            return null;
        }

        _notedAt = now;
        string counts = string.Join(", ", _unnoted.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key}"));
        _unnoted.Clear();
        return $"events came faster than hospesd read them ({Dropped} dropped in all): dropped {counts} (repeats, or events hospesd does not act on)";
    }
}
