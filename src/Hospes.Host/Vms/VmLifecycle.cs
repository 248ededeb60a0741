using Hospes.Contracts;
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
    public static async Task<Result<VmRecord>> ShutdownAsync(VmActor actor, ShutdownRequest request, TimeProvider time, CancellationToken ct)
    {
        Result<DateTimeOffset> asked = await actor.RequestShutdownAsync().ConfigureAwait(false);
        if (!asked.IsOk)
        {
            return asked.Error;
        }

        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(0, request.TimeoutS));
        bool done = await actor.WaitForAsync(a => a.LastGuestShutdown >= asked.Value || a.Record.State is not (VmState.Running or VmState.Paused), limit, ct).ConfigureAwait(false);
        if (done)
        {
            return actor.Record;
        }

        if (request.Force)
        {
            return await actor.DestroyAsync().ConfigureAwait(false);
        }

        string name = actor.Record.Name;
        return new HospesError(
            ErrorCode.Timeout,
            $"{name} did not power off within {limit.TotalSeconds:0} s (the guest may ignore the ACPI power button); `hospes destroy {name}` forces it off, or add --force");
    }

    public static async Task<Result<VmRecord>> RebootAsync(VmActor actor, ShutdownRequest request, CancellationToken ct)
    {
        Result<DateTimeOffset> asked = await actor.RequestRebootAsync().ConfigureAwait(false);
        if (!asked.IsOk)
        {
            return asked.Error;
        }

        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(0, request.TimeoutS));
        bool done = await actor.WaitForAsync(
            a => a.LastGuestReboot >= asked.Value || a.LastGuestShutdown >= asked.Value || a.Record.State is not VmState.Running,
            limit,
            ct).ConfigureAwait(false);
        if (done)
        {
            return actor.Record;
        }

        string name = actor.Record.Name;
        return new HospesError(
            ErrorCode.Timeout,
            $"{name} did not shut down for the reboot within {limit.TotalSeconds:0} s (the guest may ignore the ACPI power button); `hospes destroy {name}` then `hospes start {name}` forces it");
    }
}
