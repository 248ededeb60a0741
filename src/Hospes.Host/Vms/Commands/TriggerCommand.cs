using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// `hospes trigger NAME WHAT` (xl's trigger): nmi (inject-nmi), reset (system_reset), power (the power button,
/// system_powerdown) and s3resume (system_wakeup). xl's init and sleep have no QEMU counterpart.
/// </summary>
internal sealed class TriggerCommand(string trigger) : VmCommand<VmRecord>
{
    public const string Known = "nmi, reset, power or s3resume";

    public override VmAction Action => VmAction.Monitor;

    public override string? Verb => $"trigger {trigger} on";

    /// <summary>The QMP command of a trigger, or the refusal of one that is not.</summary>
    public static Result<string> Qmp(string trigger) => trigger switch
    {
        "nmi" => "inject-nmi",
        "reset" => "system_reset",
        "power" => "system_powerdown",
        "s3resume" => "system_wakeup",
        "init" or "sleep" => HospesError.Invalid($"trigger '{trigger}' is not available here: QEMU has no way to send it; use {Known}"),
        _ => HospesError.Invalid($"'{trigger}' is not a trigger; use {Known}"),
    };

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        Result<string> command = Qmp(trigger);
        if (!command.IsOk)
        {
            return command.Error;
        }

        if (trigger == "reset" && !GuestEvents.ResetsInPlace(vm.Record))
        {
            // A QEMU with -action reboot=shutdown (on_reboot is not restart, or a fork's, which holds no kernel) would only
            // pause at a system_reset, unseen: the reset is the guest's reboot, and on_reboot applies (restart: a new QEMU).
            await vm.Guest.ApplyAsync(vm, GuestEvents.Kind.Reboot).ConfigureAwait(false);
            return vm.Record;
        }

        try
        {
            await vm.Qmp!.ExecuteAsync(command.Value, (JsonObject?)null, logged: true, ct: ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            // e.g. s3resume on a guest that is not suspended.
            return HospesError.Conflict($"cannot trigger {trigger} on {vm.Name}: {e.Message}");
        }

        return vm.Record;
    }
}
