using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Vms;

/// <summary>
/// Operations that ask the guest and wait for its answer. The wait happens outside the VM's queue,
/// so the guest's power-off event can reach the actor meanwhile.
/// </summary>
internal static class VmLifecycle
{
    /// <summary>
    /// A guest still booting has nothing listening to the power button yet and loses the press, so the
    /// button is pressed again at this interval until the guest answers or the time is up.
    /// </summary>
    private static readonly TimeSpan PressAgainAfter = TimeSpan.FromSeconds(5);

    public static async Task<Result<VmRecord>> ShutdownAsync(VmActor actor, VmCommands commands, int timeoutS, bool force, CancellationToken ct)
    {
        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(0, timeoutS));
        Result<bool> answered = await PressUntilAsync(
            actor,
            () => actor.RunAsync(VmCommands.PressPowerButton(reboot: false)),
            (a, asked) => a.Guest.LastShutdown >= asked || a.Record.State is not (VmState.Running or VmState.Paused),
            limit,
            ct).ConfigureAwait(false);
        if (!answered.IsOk)
        {
            return answered.Error;
        }

        if (answered.Value)
        {
            return actor.Record;
        }

        if (force)
        {
            return await actor.RunAsync(commands.Destroy(), CancellationToken.None).ConfigureAwait(false);
        }

        string name = actor.Record.Name;
        return new HospesError(
            ErrorCode.Timeout,
            $"{name} did not power off within {limit.TotalSeconds:0} s (the guest may ignore the ACPI power button); `hospes destroy {name}` forces it off, or add --force");
    }

    public static async Task<Result<VmRecord>> RebootAsync(VmActor actor, VmCommands commands, int timeoutS, CancellationToken ct)
    {
        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(0, timeoutS));
        Result<bool> answered = await PressUntilAsync(
            actor,
            () => actor.RunAsync(VmCommands.PressPowerButton(reboot: true)),
            (a, asked) => a.Guest.LastReboot >= asked || a.Guest.LastShutdown >= asked || a.Record.State is not VmState.Running,
            limit,
            ct).ConfigureAwait(false);
        if (!answered.IsOk)
        {
            return answered.Error;
        }

        if (answered.Value)
        {
            // The answer is the record once on_reboot has been applied: it runs in the VM's queue, and a fork boots
            // again in a new QEMU there (shut off for a moment), so the record is read from behind it in the queue.
            return await actor.RunAsync(new RecordNow(), CancellationToken.None).ConfigureAwait(false);
        }

        string name = actor.Record.Name;
        return new HospesError(
            ErrorCode.Timeout,
            $"{name} did not shut down for the reboot within {limit.TotalSeconds:0} s (the guest may ignore the ACPI power button); `hospes destroy {name}` then `hospes start {name}` forces it");
    }

    /// <summary>Presses the button, then again every few seconds, until <paramref name="done"/> holds; false on time-out.</summary>
    private static async Task<Result<bool>> PressUntilAsync(
        VmActor actor,
        Func<Task<Result<DateTimeOffset>>> press,
        Func<VmActor, DateTimeOffset, bool> done,
        TimeSpan limit,
        CancellationToken ct)
    {
        Result<DateTimeOffset> first = await press().ConfigureAwait(false);
        if (!first.IsOk)
        {
            return first.Error;
        }

        DateTimeOffset asked = first.Value;
        TimeSpan waited = TimeSpan.Zero;
        while (waited < limit)
        {
            TimeSpan slice = limit - waited < PressAgainAfter ? limit - waited : PressAgainAfter;
            if (await actor.WaitForAsync(a => done(a, asked), slice, ct).ConfigureAwait(false))
            {
                return true;
            }

            waited += slice;
            if (waited < limit && !(await press().ConfigureAwait(false)).IsOk)
            {
                // The VM left the state the press needs (it stopped or was paused meanwhile): look once more.
                return done(actor, asked);
            }
        }

        return false;
    }

    /// <summary>The record, read in the VM's queue: after every command and guest event queued before it.</summary>
    private sealed class RecordNow : VmCommand<VmRecord>
    {
        public override VmAction Action => VmAction.Any;

        protected override Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct) => Task.FromResult<Result<VmRecord>>(vm.Record);
    }
}
