using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Vms.Disks;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Vms.Nics;

/// <summary>
/// `hospes network-attach` (xl network-attach): a vif added to the VM's spec (its network's rules, MAC, address and
/// lease as define gives them), and while QEMU runs plugged as a PCI NIC into a free hot-plug root port (q35) or the
/// root bus (pc). QEMU runs as its own uid without capabilities and cannot make a tap: hospesd makes it, puts it on
/// the bridge and hands its descriptor over (getfd, netdev_add tap,fd=). Whatever fails, nothing stays behind.
/// </summary>
internal sealed class NetworkAttachCommand(VifSpec vif, NetworkService networks, Func<Guid, IReadOnlyList<VmSpec>> others) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "network-attach to";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        int index = r.Spec.Vifs.Count;
        VmSpec draft = VmIdentity.Complete(r.Spec with { Vifs = [.. r.Spec.Vifs, vif] });
        Result<VmSpec> assigned = networks.Assign(draft, others(r.Uuid));
        if (!assigned.IsOk)
        {
            return assigned.Error;
        }

        VmSpec spec = assigned.Value;
        VmRecord withVif = r with { Spec = spec };
        if (vm.Qmp is not { } qmp)
        {
            VmRecord kept = vm.Commit(withVif);
            await networks.RefreshAsync(spec.Vifs, ct).ConfigureAwait(false);
            return kept;
        }

        if (BlockAttachCommand.HotplugBus(r) is not { } ports)
        {
            return HospesError.Invalid($"cannot network-attach to {r.Name} while it runs: its machine ({r.Machine}) has no hot-plug (a PV or microvm guest); "
                + "add the vif to its config (vif = [ ... ]) and restart it, or shut it down and network-attach then (the vif is there at its next start)");
        }

        await using var revert = new Reverter();

        // Rules and leases made with the new vif are made again without it should anything below fail.
        revert.Add(() => new ValueTask(networks.RefreshAsync(spec.Vifs, CancellationToken.None)));
        Result<VifTarget> target = await networks.PrepareVifAsync(spec, index, ct).ConfigureAwait(false);
        if (!target.IsOk)
        {
            return target.Error;
        }

        Result<SafeFileHandle> tap = await networks.MakeTapAsync(spec, index, target.Value.Bridge, ct).ConfigureAwait(false);
        if (!tap.IsOk)
        {
            return tap.Error;
        }

        string netdev = QemuNames.Netdev(index);
        string fdName = FdName(index);
        using (SafeFileHandle fd = tap.Value)
        {
            try
            {
                await qmp.GetFdAsync(fd, fdName, ct).ConfigureAwait(false);
                revert.Add(() => new ValueTask(qmp.CloseFdAsync(fdName, CancellationToken.None)));
                await qmp.NetdevAddAsync(QmpNetdevs.TapNetdev(netdev, fdName), ct).ConfigureAwait(false);
                revert.Add(() => new ValueTask(qmp.NetdevDelAsync(netdev, CancellationToken.None)));
            }
            catch (QmpException e)
            {
                return HospesError.Unavailable($"{r.Name}: QEMU could not take the tap {NetworkService.TapName(spec, index)}: {e.Message}");
            }
        }

        string? lastRefusal = null;
        foreach (string? port in ports)
        {
            try
            {
                await qmp.DeviceAddAsync(Device(spec.Vifs[index], index, port), ct).ConfigureAwait(false);
                revert.Commit();
                return vm.Commit(withVif);
            }
            catch (QmpException e)
            {
                // A root port holds one device: the next one may be free. A refusal of the NIC itself repeats on each.
                lastRefusal = e.Message;
            }
        }

        return HospesError.Unavailable($"{r.Name}: no free hot-plug slot for vif {index} ({QemuCommandLineBuilder.HotplugPorts} ports, QEMU said: {lastRefusal}); "
            + "detach a disk or vif first, or shut the VM down and network-attach then");
    }

    /// <summary>The name the tap's descriptor has in QEMU (getfd) until its netdev takes it.</summary>
    internal static string FdName(int index) => $"{QemuNames.Netdev(index)}-tap";

    /// <summary>device_add's arguments: the NIC of <paramref name="nic"/>'s model on <paramref name="port"/> (null: the root bus).</summary>
    internal static JsonObject Device(VifSpec nic, int index, string? port)
    {
        var device = new JsonObject
        {
            ["driver"] = nic.Model == "virtio-net" ? "virtio-net-pci" : nic.Model,
            ["id"] = QemuNames.VifDevice(index),
            ["netdev"] = QemuNames.Netdev(index),
        };
        if (nic.Mac is { } mac)
        {
            device["mac"] = mac;
        }

        if (port is not null)
        {
            device["bus"] = port;
        }

        return device;
    }
}
