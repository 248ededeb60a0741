using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Vms.Disks;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Nics;

/// <summary>
/// `hospes network-detach NAME DEVID|MAC` (xl network-detach): the vif leaves the VM's spec, and while QEMU runs the
/// guest is asked to give the NIC back (ACPI/PCIe eject) before its backend (and with it the tap) goes; its rules and
/// lease go too.
/// </summary>
internal sealed class NetworkDetachCommand(string which, NetworkService networks) : VmCommand<VmRecord>
{
    private static readonly TimeSpan EjectWait = TimeSpan.FromSeconds(20);

    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "network-detach from";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        int index = Find(r.Spec.Vifs, which);
        if (index < 0)
        {
            string has = r.Spec.Vifs.Count == 0 ? "no vifs" : "vifs " + string.Join(", ", r.Spec.Vifs.Select((v, i) => $"{i} ({v.Mac})"));
            return HospesError.NotFound($"{r.Name} has no vif '{which}' (a devid or a MAC); it has {has} (`hospes network-list {r.Name}`)");
        }

        VmRecord without = r with { Spec = r.Spec with { Vifs = [.. r.Spec.Vifs.Where((_, i) => i != index)] } };
        if (vm.Qmp is not { } qmp)
        {
            VmRecord kept = vm.Commit(without);
            await networks.RefreshAsync(r.Spec.Vifs, ct).ConfigureAwait(false);
            return kept;
        }

        if (BlockAttachCommand.HotplugBus(r) is null)
        {
            return HospesError.Invalid($"cannot network-detach from {r.Name} while it runs: its machine ({r.Machine}) has no hot-plug; shut it down and network-detach then");
        }

        // Running NICs, backends and taps are named by their place in the spec (vif0, net0, ...-0); a gap would misname the later ones.
        if (index != r.Spec.Vifs.Count - 1)
        {
            return HospesError.Invalid($"{r.Name}: while it runs only its last vif ({r.Spec.Vifs.Count - 1}, {r.Spec.Vifs[^1].Mac}) can be detached; detach that one first, or shut it down and detach vif {index} then");
        }

        string device = QemuNames.VifDevice(index);
        try
        {
            await qmp.DeviceDelAsync(device, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            return HospesError.Unavailable($"{r.Name}: QEMU refused to unplug vif {index}: {e.Message} (a NIC the VM started with on q35 sits on the root bus, which cannot unplug; shut it down and network-detach then)");
        }

        DateTimeOffset until = vm.Time.GetUtcNow() + EjectWait;
        while ((await qmp.DeviceIdsAsync(ct).ConfigureAwait(false)).Contains(device))
        {
            if (vm.Time.GetUtcNow() > until)
            {
                return HospesError.Unavailable($"{r.Name}: the guest did not give vif {index} back within {EjectWait.TotalSeconds:0} s (it must support PCI hot-unplug); "
                    + "it stays attached; ask again, or shut the VM down and network-detach then");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), vm.Time, ct).ConfigureAwait(false);
        }

        // The backend holds the tap's only descriptor: the tap goes with it.
        await qmp.NetdevDelAsync(QemuNames.Netdev(index), ct).ConfigureAwait(false);
        VmRecord done = vm.Commit(without);
        await networks.RefreshAsync(r.Spec.Vifs, ct).ConfigureAwait(false);
        return done;
    }

    /// <summary>The vif a devid (its index) or a MAC names; -1 when none.</summary>
    internal static int Find(IReadOnlyList<VifSpec> vifs, string which)
    {
        string w = which.Trim();
        if (int.TryParse(w, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int devid))
        {
            return devid < vifs.Count ? devid : -1;
        }

        for (int i = 0; i < vifs.Count; i++)
        {
            if (string.Equals(vifs[i].Mac, w, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
