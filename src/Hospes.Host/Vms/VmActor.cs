using System.Threading.Channels;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Console;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>
/// One VM's owner. Every lifecycle step and every QEMU event runs through one queue, so two clients
/// (or a client and the guest) cannot race the VM into a bad state.
/// </summary>
internal sealed partial class VmActor : IAsyncDisposable
{
    private readonly VmContext _ctx;
    private readonly ILogger _log;
    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly Queue<DateTimeOffset> _recentCrashes = new();
    private VmRecord _record;
    private IQemuProcess? _qemu;
    private ConsoleHub? _console;
    private IReadOnlyList<int> _vcpuThreads = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _rebootRequested;

    public VmActor(VmContext ctx, VmRecord record)
    {
        _ctx = ctx;
        _record = record;
        _log = ctx.Logs.CreateLogger("Hospes.Vm");
        _loop = Task.Run(RunAsync);
    }

    /// <summary>A consistent snapshot of the VM's record, readable from any thread.</summary>
    public VmRecord Record => Volatile.Read(ref _record);

    public int? Pid => _qemu?.Pid;

    public IReadOnlyList<int> VcpuThreads => _vcpuThreads;

    /// <summary>When the guest last powered off or rebooted (through any path); shutdown and reboot wait on it.</summary>
    public DateTimeOffset LastGuestShutdown { get; private set; } = DateTimeOffset.MinValue;

    public DateTimeOffset LastGuestReboot { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Runs <paramref name="operation"/> in the VM's queue and returns its result.</summary>
    public Task<Result<T>> EnqueueAsync<T>(Func<Task<Result<T>>> operation)
    {
        var done = new TaskCompletionSource<Result<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queued = _queue.Writer.TryWrite(async () =>
        {
            try
            {
                done.SetResult(await operation().ConfigureAwait(false));
            }
            catch (HospesException e)
            {
                done.SetResult(e.Error);
            }
#pragma warning disable CA1031 // An unexpected failure becomes an error for this caller; the VM's queue goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogCommandFailed(Record.Name, e);
                done.SetResult(new HospesError(ErrorCode.Internal, $"{Record.Name}: {e.Message}"));
            }
        });
        if (!queued)
        {
            done.SetResult(HospesError.NotFound($"{Record.Name} is being deleted"));
        }

        return done.Task;
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the time is up; returns whether it held.</summary>
    public async Task<bool> WaitForAsync(Func<VmActor, bool> condition, TimeSpan limit, CancellationToken ct)
    {
        DateTimeOffset deadline = _ctx.Time.GetUtcNow() + limit;
        while (!condition(this))
        {
            TimeSpan left = deadline - _ctx.Time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Task changed = Volatile.Read(ref _changed).Task;
            try
            {
                await changed.WaitAsync(left, _ctx.Time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return condition(this);
            }
        }

        return true;
    }

    /// <summary>Stops the queue after the work already in it; the VM's QEMU keeps running.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await DetachQemuAsync().ConfigureAwait(false);
    }

    private void Post(Func<Task> work) => _queue.Writer.TryWrite(work);

    private async Task RunAsync()
    {
        await foreach (Func<Task> work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Posted event handlers must not stop the queue.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogCommandFailed(Record.Name, e);
            }
        }
    }

    /// <summary>Persists a new record and wakes everyone waiting for a change.</summary>
    private VmRecord Commit(VmRecord record)
    {
        _ctx.Db.Update(record);
        Volatile.Write(ref _record, record);
        Notify();
        return record;
    }

    private void Notify()
    {
        TaskCompletionSource previous = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    private HospesError NotAllowed(string action)
    {
        VmRecord r = Record;
        string hint = r.State switch
        {
            VmState.Shutoff => $"start it with `hospes start {r.Name}`",
            VmState.Saved => $"restore it with `hospes restore {r.SavePath}` or `hospes start {r.Name}`",
            VmState.Paused => $"unpause it with `hospes unpause {r.Name}`",
            VmState.Crashed => $"see `hospes console {r.Name} --show-log`, then `hospes destroy {r.Name}` and start it again",
            VmState.Preserved => $"`hospes destroy {r.Name}` releases it",
            _ => "",
        };
        return HospesError.State($"cannot {action} {r.Name}: it is {r.State.ToString().ToLowerInvariant()}{(hint.Length > 0 ? "; " + hint : "")}");
    }
}
