using Hospes.Core.Errors;

namespace Hospes.Core.Vms;

/// <summary>
/// Which action is allowed in which state, in one table, and what a refusal says: the thing, why, and the command
/// that gets the VM where the action is possible.
/// </summary>
public static class VmTransitions
{
    /// <summary>Whether <paramref name="action"/> may run on a VM in <paramref name="state"/>, with or without a QEMU.</summary>
    public static bool IsAllowed(VmAction action, VmState state, bool hasQemu) => action switch
    {
        // A crashed guest whose QEMU was preserved must be destroyed first, so its disks are never opened twice.
        VmAction.Start => !hasQemu && state is VmState.Shutoff or VmState.Crashed or VmState.Saved,
        VmAction.Pause or VmAction.Shutdown or VmAction.Reboot => hasQemu && state == VmState.Running,
        VmAction.Unpause => hasQemu && state == VmState.Paused,

        // A saved VM drops its save, a crashed one becomes shutoff; only a shutoff VM has nothing to destroy.
        VmAction.Destroy => hasQemu || state != VmState.Shutoff,
        VmAction.Save or VmAction.MemSet or VmAction.Migrate => hasQemu && state is VmState.Running or VmState.Paused,
        VmAction.Restore or VmAction.ReceiveMigration => !hasQemu,

        // Without QEMU the disk files are changed directly; a save file depends on them as they are.
        VmAction.Snapshot => hasQemu ? state is VmState.Running or VmState.Paused : state != VmState.Saved,
        VmAction.AttachConsole => hasQemu && state is not (VmState.Shutoff or VmState.Saved),
        VmAction.Monitor => hasQemu && state is VmState.Running or VmState.Paused,
        VmAction.Delete => !hasQemu && state is not (VmState.Running or VmState.Paused or VmState.Preserved),
        VmAction.Hotplug => hasQemu ? state is VmState.Running or VmState.Paused : state is VmState.Shutoff or VmState.Crashed,
        VmAction.MakeTemplate => !hasQemu && state is not (VmState.Running or VmState.Paused or VmState.Preserved or VmState.Saved),

        // Only rows change: nothing of the guest, its QEMU or its save file holds the name.
        VmAction.Rename => true,
        _ => true,
    };

    /// <summary>
    /// Null when allowed, else the refusal. <paramref name="verb"/> names the action in the message
    /// (e.g. "create snapshot 'before' of"); it defaults to the action's own verb.
    /// </summary>
    public static HospesError? Check(VmAction action, VmSubject vm, string? verb = null) =>
        vm.Presence == VmPresence.Here && IsAllowed(action, vm.State, vm.HasQemu) ? null : Refusal(action, vm, verb ?? Verb(action));

    /// <summary>The refusal of <paramref name="action"/> for <paramref name="vm"/>, whatever the table says (for checks a command makes itself).</summary>
    public static HospesError Refuse(VmAction action, VmSubject vm, string? verb = null) => Refusal(action, vm, verb ?? Verb(action));

    private static HospesError Refusal(VmAction action, VmSubject vm, string verb)
    {
        if (vm.Presence != VmPresence.Here)
        {
            return Gone(verb, vm);
        }

        string state = vm.State.ToString().ToLowerInvariant();
        return action switch
        {
            VmAction.AttachConsole => HospesError.State(
                $"cannot attach to the console of {vm.Name}: it is {state}; `hospes console {vm.Name} --show-log` shows what it wrote"),
            VmAction.MemSet => HospesError.State(
                $"cannot mem-set {vm.Name}: it is {state}; mem-set balloons a running guest. "
                + $"Start it first (`hospes start {vm.Name}`): the value set while it runs is kept for its next start"),
            VmAction.Migrate when vm.State is VmState.Shutoff or VmState.Saved or VmState.Crashed => HospesError.State(
                $"cannot migrate {vm.Name}: it is {state}; migrate moves a running guest (as xl migrate does): start it first, or copy its config and disks to the other host"),
            VmAction.Delete => HospesError.State(
                $"cannot delete {vm.Name}: it is {state}; shut it down or destroy it first, or use --force"),
            VmAction.MakeTemplate when vm.State == VmState.Saved && !vm.HasQemu => HospesError.State(
                $"cannot make a template of {vm.Name}: it is saved and its disks belong to that save; restore and shut it down first"),
            VmAction.MakeTemplate => HospesError.State(
                $"cannot make a template of {vm.Name} ({state}): its disks are in use; shut it down first (`hospes shutdown {vm.Name}`)"),
            _ => NotAllowed(verb, vm),
        };
    }

    /// <summary>"cannot VERB NAME: it is STATE; HINT", the hint being the way out of that state.</summary>
    private static HospesError NotAllowed(string verb, VmSubject vm)
    {
        string hint = vm.State switch
        {
            VmState.Shutoff => $"start it with `hospes start {vm.Name}`",
            VmState.Saved => $"restore it with `hospes restore {vm.SavePath}` or `hospes start {vm.Name}`",
            VmState.Paused => $"unpause it with `hospes unpause {vm.Name}`",
            VmState.Crashed => $"see `hospes console {vm.Name} --show-log`, then `hospes destroy {vm.Name}` and start it again",
            VmState.Preserved => $"`hospes destroy {vm.Name}` releases it",
            _ => "",
        };
        return HospesError.State($"cannot {verb} {vm.Name}: it is {vm.State.ToString().ToLowerInvariant()}{(hint.Length > 0 ? "; " + hint : "")}");
    }

    /// <summary>A VM that is no longer this host's: whatever was queued behind its end finds it gone.</summary>
    private static HospesError Gone(string verb, VmSubject vm) => HospesError.NotFound(vm.Presence switch
    {
        VmPresence.Migrated => $"cannot {verb} {vm.Name}: it was migrated to {vm.Elsewhere} and runs there now; use `hospes` on {vm.Elsewhere}",
        VmPresence.Dropped => $"cannot {verb} {vm.Name}: its incoming migration was dropped, so it is not on this host",
        _ => $"cannot {verb} {vm.Name}: it was deleted; `hospes create` defines it again",
    });

    private static string Verb(VmAction action) => action switch
    {
        VmAction.Shutdown => "shut down",
        VmAction.ReceiveMigration => "receive a migration into",
        VmAction.Snapshot => "snapshot",
        VmAction.AttachConsole => "attach to the console of",
        VmAction.Any => "change",
        _ => action.ToString().ToLowerInvariant(),
    };
}
