using System.Threading.Channels;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>
/// One VM's owner: its queue, its record, its QEMU and the pump that turns the QEMU's events into work in the queue.
/// Every change to the VM is a typed command run in the queue, one at a time, so two clients (or a client and the
/// guest) cannot race the VM into a bad state. What a command may do meanwhile is its <see cref="VmSession"/>.
/// </summary>
internal sealed class VmActor : IVm, IAsyncDisposable
{
    /// <summary>
    /// Clients' commands that may wait in one VM's queue; more are refused (the queue would otherwise grow without
    /// limit behind a long command). hospesd's own steps (<see cref="VmAction.Any"/>) and QEMU's events are not counted.
    /// </summary>
    public const int MaxQueuedCommands = 64;

    private readonly StateDb _db;
    private readonly HostEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private VmRecord _record;
    private volatile VmPresence _presence = VmPresence.Here;
    private string? _elsewhere;
    private volatile bool _closing;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queuedCommands;
    private int _waiting;
    private EventWork? _lastEvent;

    public VmActor(VmRecord record, StateDb db, VmLayout layout, IQemuLauncher launcher, GuestEvents guest, HostEvents events, TimeProvider time, ILogger log)
    {
        _record = record;
        _db = db;
        _events = events;
        _time = time;
        _log = log;
        Layout = layout;
        Slot = new QemuSlot(launcher, layout.Paths(record.Uuid), () => CpuCgroups.For(layout.Options.StateDir).Remove(record.Uuid));
        Guest = guest;
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>A consistent snapshot of the VM's record, readable from any thread.</summary>
    public VmRecord Record => Volatile.Read(ref _record);

    public int? Pid => Slot.Qemu?.Pid;

    public IQmp? Qmp => Slot.Qemu?.Qmp;

    public IReadOnlyList<int> VcpuThreads => Slot.VcpuThreads;

    public string ConsoleLogPath => Layout.Paths(Record.Uuid).ConsoleLog;

    /// <summary>Whether the VM is still this host's; once not, every command is refused (set only in the queue).</summary>
    public VmPresence Presence => _presence;

    /// <summary>What the guest did last (power-off, reboot) and what hospesd asked of it; shutdown and reboot wait on it.</summary>
    public GuestEvents Guest { get; }

    internal VmLayout Layout { get; }

    /// <summary>The host it is arriving from by migration, until the switch-over or the drop; set by the migration's commands.</summary>
    internal string? ArrivingFrom { get; set; }

    internal QemuSlot Slot { get; }

    internal TimeProvider Time => _time;

    /// <summary>Work waiting in the queue (commands and QEMU's events), for tests and diagnostics.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    public Task<Result<T>> RunAsync<T>(IVmCommand<T> command, CancellationToken ct = default)
    {
        bool counted = command.Action != VmAction.Any;
        if (counted && Interlocked.Increment(ref _queuedCommands) > MaxQueuedCommands)
        {
            Interlocked.Decrement(ref _queuedCommands);
            return Task.FromResult<Result<T>>(HospesError.Unavailable(
                $"{Record.Name} has {MaxQueuedCommands} commands queued; try again when they finish (`hospes list` shows what it is doing)"));
        }

        var work = new CommandWork<T>(command, counted, ct);
        if (Enqueue(work))
        {
            return work.Done;
        }

        work.Dequeued(this);
        return Task.FromResult<Result<T>>(Closed(command.Action, command.Verb));
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the time is up; returns whether it held.</summary>
    public async Task<bool> WaitForAsync(Func<VmActor, bool> condition, TimeSpan limit, CancellationToken ct)
    {
        DateTimeOffset deadline = _time.GetUtcNow() + limit;
        while (!condition(this))
        {
            TimeSpan left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Task changed = Volatile.Read(ref _changed).Task;
            try
            {
                await changed.WaitAsync(left, _time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return condition(this);
            }
        }

        return true;
    }

    /// <summary>
    /// Stops the queue: the command running now finishes, every command still waiting is refused (never run: a start
    /// queued behind a delete must not launch a QEMU nobody owns). The VM's QEMU keeps running.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await Slot.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Persists a new record and wakes everyone waiting for a change; a change of state is published, with what caused
    /// it. Only a session calls it.
    /// </summary>
    internal VmRecord Commit(VmRecord record, WorkCause cause)
    {
        VmState old = Record.State;
        _db.Update(record);
        Volatile.Write(ref _record, record);
        Notify();
        if (old != record.State)
        {
            _events.Publish(() => new HostEvent
            {
                Type = HostEventTypes.VmState,
                Vm = record.Name,
                VmUuid = record.Uuid,
                Project = record.Project,
                OldState = old,
                State = record.State,
                Why = record.State == VmState.Crashed ? "crash" : cause.Why,
                Message = record.State == VmState.Crashed ? record.LastError : cause.What,
            });
        }

        return record;
    }

    /// <summary>Takes a record whose new name the state DB holds already (xl rename), and tells the event stream.</summary>
    internal void Renamed(VmRecord record, string oldName)
    {
        Volatile.Write(ref _record, record);
        Notify();
        _events.Publish(() => new HostEvent { Type = HostEventTypes.VmRenamed, Vm = record.Name, OldVm = oldName, VmUuid = record.Uuid, Project = record.Project, State = record.State });
    }

    /// <summary>
    /// The VM stops being this host's (deleted, migrated away, dropped): its rows leave the state DB, and every command
    /// after this one is refused. Only a session calls it, so nothing queued before it is skipped and nothing after runs.
    /// </summary>
    internal void End(VmPresence why, string? elsewhere)
    {
        _elsewhere = elsewhere;
        _presence = why;
        VmRows.Delete(_db, Record.Uuid);
        Notify();
        VmRecord r = Record;
        _events.Publish(() => new HostEvent
        {
            Type = HostEventTypes.VmRemoved,
            Vm = r.Name,
            VmUuid = r.Uuid,
            Project = r.Project,
            State = r.State,
            Why = why.ToString().ToLowerInvariant(),
            Message = elsewhere is null ? null : $"now on {elsewhere}",
        });
    }

    internal void Notify()
    {
        TaskCompletionSource previous = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    /// <summary>Takes ownership of a QEMU: its events and its exit now flow into this queue.</summary>
    internal void Attach(IQemuProcess q, IReadOnlyList<int> vcpuThreads, VmRuntimePaths? started = null)
    {
        Guest.RebootRequested = false;
        Slot.Attach(q, vcpuThreads, Post, from => Enqueue(new ExitWork(from)), started);
        Notify();
    }

    /// <summary>
    /// Queues an event of the VM's QEMU if the guest's handling acts on it and it is not a repeat of the one still
    /// waiting (a reset loop): the queue then holds at most one of a flood. Only the event pump calls it.
    /// </summary>
    private void Post(IQemuProcess from, QmpEvent e)
    {
        if (!GuestEvents.ActsOn(e) || (_lastEvent is { } last && !last.Started && last.Repeats(from, e)))
        {
            return;
        }

        var work = new EventWork(from, e);
        _lastEvent = work;
        Enqueue(work);
    }

    private bool Enqueue(Work work)
    {
        Interlocked.Increment(ref _waiting);
        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }

        Interlocked.Decrement(ref _waiting);
        return false;
    }

    /// <summary>What <see cref="VmTransitions"/> decides from: the record, the QEMU, and whether the VM is still here.</summary>
    internal VmSubject Subject()
    {
        VmRecord r = Record;
        return new VmSubject(r.Name, r.State, Slot.Qemu is not null, r.SavePath, Presence, _elsewhere);
    }

    /// <summary>Why a command cannot even wait in the queue: the VM is gone, or hospesd is stopping.</summary>
    private HospesError Closed(VmAction action, string? verb) => Presence != VmPresence.Here
        ? VmTransitions.Refuse(action, Subject(), verb)
        : HospesError.Unavailable($"{Record.Name}: hospesd is stopping; the VM is left as it is. Try again once hospesd is back");

    private async Task RunLoopAsync()
    {
        await foreach (Work work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Interlocked.Decrement(ref _waiting);
            if (_closing)
            {
                work.Refuse(this);
                continue;
            }

            var session = new VmSession(this, work.Cause);
            try
            {
                await work.RunAsync(this, session).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Work that fails must not stop the queue.
            catch (Exception e)
#pragma warning restore CA1031
            {
                VmLog.CommandFailed(_log, Record.Name, e);
            }
            finally
            {
                session.End();
            }
        }
    }

    /// <summary>One item of the queue: a command from a client, or an event or the exit of the VM's QEMU.</summary>
    private abstract class Work
    {
        /// <summary>What a change of state this work makes is told as (the event stream's why).</summary>
        public abstract WorkCause Cause { get; }

        public abstract Task RunAsync(VmActor actor, VmSession session);

        /// <summary>The queue stopped before this work's turn: a command is answered, never run; an event is dropped.</summary>
        public virtual void Refuse(VmActor actor)
        {
        }
    }

    private sealed class CommandWork<T>(IVmCommand<T> command, bool counted, CancellationToken ct) : Work
    {
        private readonly TaskCompletionSource<Result<T>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Result<T>> Done => _done.Task;

        public override WorkCause Cause => command.Action == VmAction.Any
            ? new("hospesd", command.Verb)
            : new("command", command.Verb ?? command.Action.ToString().ToLowerInvariant());

        /// <summary>This command no longer waits in the queue (it runs, or was refused): another may take its place.</summary>
        public void Dequeued(VmActor actor)
        {
            if (counted)
            {
                Interlocked.Decrement(ref actor._queuedCommands);
            }
        }

        public override void Refuse(VmActor actor)
        {
            Dequeued(actor);
            _done.TrySetResult(actor.Closed(command.Action, command.Verb));
        }

        public override async Task RunAsync(VmActor actor, VmSession session)
        {
            Dequeued(actor);
            VmRecord r = actor.Record;
            if (actor.ArrivingFrom is { } from && command.Action is not (VmAction.Any or VmAction.AttachConsole))
            {
                _done.SetResult(HospesError.State($"cannot {command.Verb ?? command.Action.ToString().ToLowerInvariant()} {r.Name}: it is arriving from {from} by migration; wait until that migration ends (`hospes list` shows it running or gone), or cancel it on {from} with `hospes migrate --cancel {r.Name}`"));
                return;
            }

            if (VmTransitions.Check(command.Action, actor.Subject(), command.Verb) is { } refused)
            {
                _done.SetResult(refused);
                return;
            }

            Result<T> result;
            try
            {
                result = await command.RunAsync(session, ct).ConfigureAwait(false);
            }
            catch (HospesException e)
            {
                result = e.Error;
            }
#pragma warning disable CA1031 // An unexpected failure becomes an error for this caller; the VM's queue goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                VmLog.CommandFailed(actor._log, actor.Record.Name, e);
                result = new HospesError(ErrorCode.Internal, $"{actor.Record.Name}: {e.Message}");
            }

            // The caller may go on before the queue does: the session ends first.
            session.End();
            _done.SetResult(result);
        }
    }

    private sealed class EventWork(IQemuProcess from, QmpEvent e) : Work
    {
        private volatile bool _started;

        public bool Started => _started;

        public override WorkCause Cause => new("guest", e.Name.ToLowerInvariant());

        /// <summary>Same QEMU, same event, same data: handling it twice in a row does nothing more than once.</summary>
        public bool Repeats(IQemuProcess q, QmpEvent other) =>
            ReferenceEquals(q, from) && other.Name == e.Name && Raw(other) == Raw(e);

        public override Task RunAsync(VmActor actor, VmSession session)
        {
            _started = true;
            return ReferenceEquals(from, actor.Slot.Qemu) ? actor.Guest.OnEventAsync(session, e) : Task.CompletedTask; // else an event of a QEMU already gone
        }

        private static string Raw(QmpEvent x) => x.Data.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "" : x.Data.GetRawText();
    }

    private sealed class ExitWork(IQemuProcess from) : Work
    {
        public override WorkCause Cause => new("crash", "QEMU exited");

        public override Task RunAsync(VmActor actor, VmSession session) =>
            ReferenceEquals(from, actor.Slot.Qemu) ? actor.Guest.OnQemuExitedAsync(session, from) : Task.CompletedTask;
    }
}
