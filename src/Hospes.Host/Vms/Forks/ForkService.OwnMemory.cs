using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Forks;

/// <summary>Forks of forks: a VM on an earlier fork point's memory first gets memory of its own.</summary>
internal sealed partial class ForkService
{
    /// <summary>
    /// A VM on an earlier fork point's memory gets a RAM file of its own, shared, as a fork point needs: its guest is saved
    /// whole (every page, its own changes too) into <see cref="OwnMemoryFile"/> in its folder and restored from it at once
    /// on a new QEMU, which makes a fresh own file (as `hospes save` and `hospes restore` by hand do). The guest pauses
    /// for both, and from then on holds all its memory itself rather than sharing the earlier fork point's. A hospesd
    /// killed in between finds the VM saved in that file (or the save undone) and restores it at start (<see cref="SettleAsync"/>).
    /// </summary>
    private async Task<Result<VmRecord>> OwnMemoryAsync(VmActor vm, CancellationToken ct)
    {
        string name = vm.Record.Name;
        string whole = OwnMemoryFile(vm);
        File.Delete(whole);
        long began = Stopwatch.GetTimestamp();
        Result<VmRecord> saved = await vm.RunAsync(commands.Save(whole), ct).ConfigureAwait(false);
        if (!saved.IsOk)
        {
            return saved.Error with { Message = $"cannot fork {name}: it runs on an earlier fork point's memory, so it is saved and restored first to get memory of its own, and that save failed: {saved.Error.Message}; nothing was forked" };
        }

        Result<VmRecord> back = await vm.RunAsync(commands.Restore(whole, paused: false), CancellationToken.None).ConfigureAwait(false);
        if (!back.IsOk)
        {
            return back.Error with { Message = $"cannot fork {name}: it runs on an earlier fork point's memory, so it was saved to {whole} to get memory of its own, and restoring it failed: {back.Error.Message}; `hospes restore {whole}` tries again; nothing was forked" };
        }

        File.Delete(whole);
        long ms = (long)Stopwatch.GetElapsedTime(began).TotalMilliseconds;
        ForkLog.OwnMemory(log, name, ms);
        return back;
    }

    private static string OwnMemoryFile(VmActor vm) => Path.Combine(vm.Layout.VmDir(vm.Record.Uuid), "own-memory.save");


    /// <summary>
    /// At start (the first step of <see cref="SettleAsync"/>): a VM cut off while it got memory of its own, saved in that
    /// file, is restored; a save undone leaves the file, which goes.
    /// </summary>
    private async Task SettleOwnMemoryAsync(CancellationToken ct)
    {
        foreach (VmActor vm in vms.All)
        {
            string whole = OwnMemoryFile(vm);
            if (!File.Exists(whole))
            {
                continue;
            }

            // In its queue: its reconcile (which finishes or undoes a save the kill cut off) has run by then.
            Result<VmRecord> back = await vm.RunAsync(commands.OwnMemorySettle(whole), ct).ConfigureAwait(false);
            ForkLog.Settled(log, vm.Record.Name, back.IsOk ? vm.Record.State.ToString().ToLowerInvariant() : back.Error.Message);
        }
    }
}
