using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// `hospes sysrq NAME KEY` (xl's sysrq): Alt+SysRq+KEY on the guest's PS/2 keyboard (QMP send-key). The guest's kernel
/// answers on its console (h prints the help). PV and PVH guests (microvm) have no keyboard to press it on.
/// </summary>
internal sealed class SysrqCommand(string key) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Monitor;

    public override string? Verb => "send sysrq to";

    /// <summary>A refusal for a key or a VM that cannot work, whatever the VM's state; null when fine.</summary>
    public static HospesError? Check(VmRecord record, string key)
    {
        if (key.Length != 1 || !char.IsAsciiLetterLower(key[0]) && !char.IsAsciiDigit(key[0]))
        {
            return HospesError.Invalid($"sysrq: '{key}' is not a SysRq key; give one letter or digit, e.g. h (help), s (sync), b (reboot)");
        }

        return record.Spec.Boot == BootMode.Hvm
            ? null
            : HospesError.Conflict($"{record.Name} has no keyboard to press SysRq on (PV guests boot on microvm); run `echo {key} > /proc/sysrq-trigger` in the guest (`hospes console {record.Name}`)");
    }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        if (Check(vm.Record, key) is { } refused)
        {
            return refused;
        }

        var keys = new JsonArray();
        foreach (string qcode in (ReadOnlySpan<string>)["alt", "sysrq", key])
        {
            keys.Add(new JsonObject { ["type"] = "qcode", ["data"] = qcode });
        }

        try
        {
            await vm.Qmp!.ExecuteAsync("send-key", new JsonObject { ["keys"] = keys }, logged: true, ct: ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            return HospesError.Conflict($"QEMU could not press SysRq {key} on {vm.Name}: {e.Message}");
        }

        return vm.Record;
    }
}
