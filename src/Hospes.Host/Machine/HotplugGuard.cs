using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Machine;

/// <summary>
/// Save, migration, a fork and a snapshot revert build (or load into) a new QEMU from the VM's spec, which has every device at its start-time place; a device
/// plugged while the guest ran (block-attach, network-attach, vcpu-set) sits elsewhere, so that QEMU could not load the
/// device state (a save file that never restores). All are refused until the VM has been started again.
/// </summary>
internal static class HotplugGuard
{
    /// <summary>Null when nothing was plugged into the running QEMU; else the refusal, naming the devices and the way out.</summary>
    public static async Task<HospesError?> RefuseAsync(VmRecord r, IQmp qmp, string verb, CancellationToken ct)
    {
        IReadOnlyList<string> plugged;
        try
        {
            plugged = await qmp.HotpluggedIdsAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException or TimeoutException)
        {
            return HospesError.Unavailable($"{r.Name}: cannot ask its QEMU which devices were plugged while it ran: {e.Message}");
        }

        return plugged.Count == 0
            ? null
            : HospesError.Conflict($"{r.Name} cannot be {verb} now: device{(plugged.Count == 1 ? "" : "s")} {string.Join(", ", plugged)} "
                + $"{(plugged.Count == 1 ? "was" : "were")} plugged while it runs (block-attach, network-attach or vcpu-set), and a QEMU built "
                + $"again from its config would have {(plugged.Count == 1 ? "it" : "them")} in another place, so its state could not be loaded; "
                + "shut it down and start it again (what was plugged stays in its config), then try again");
    }
}
