using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Disks;

/// <summary>
/// `hospes block-detach NAME VDEV` (xl block-detach): the disk leaves the VM's spec, and while QEMU runs the guest is
/// asked to give the device back (ACPI eject) before its block node closes. Never the boot disk (the first).
/// </summary>
internal sealed class BlockDetachCommand(string vdev) : VmCommand<VmRecord>
{
    private static readonly TimeSpan EjectWait = TimeSpan.FromSeconds(20);

    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "block-detach from";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        int index = r.Spec.Disks.ToList().FindIndex(d => string.Equals(d.Vdev, vdev, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            string has = r.Spec.Disks.Count == 0 ? "no disks" : "disks " + string.Join(", ", r.Spec.Disks.Select(d => d.Vdev));
            return HospesError.NotFound($"{r.Name} has no disk {vdev}; it has {has}");
        }

        DiskSpec disk = r.Spec.Disks[index];
        if (index == 0)
        {
            return HospesError.Invalid($"{r.Name}: {disk.Vdev} is its boot disk (the first); it cannot be detached. Shut the VM down and change its config if it must go");
        }

        VmRecord without = r with { Spec = r.Spec with { Disks = [.. r.Spec.Disks.Where((_, i) => i != index)] } };
        if (vm.Qmp is not { } qmp)
        {
            return vm.Commit(without);
        }

        // Running disks are named by their place in the spec (drive0, drive1...); a gap would misname the later ones.
        if (index != r.Spec.Disks.Count - 1)
        {
            return HospesError.Invalid($"{r.Name}: while it runs only its last disk ({r.Spec.Disks[^1].Vdev}) can be detached; detach that one first, or shut it down and detach {disk.Vdev} then");
        }

        if (BlockAttachCommand.HotplugBus(r) is null)
        {
            return HospesError.Invalid($"cannot block-detach from {r.Name} while it runs: its machine ({r.Machine}) has no hot-plug; shut it down and block-detach then");
        }

        string device = QemuNames.DiskDevice(disk.Vdev);
        string? node = await qmp.BlockNodeOfAsync(device, ct).ConfigureAwait(false);
        try
        {
            await qmp.DeviceDelAsync(device, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            return HospesError.Unavailable($"{r.Name}: QEMU refused to unplug {disk.Vdev}: {e.Message}");
        }

        DateTimeOffset until = vm.Time.GetUtcNow() + EjectWait;
        while ((await qmp.DeviceIdsAsync(ct).ConfigureAwait(false)).Contains(device))
        {
            if (vm.Time.GetUtcNow() > until)
            {
                return HospesError.Unavailable($"{r.Name}: the guest did not give {disk.Vdev} back within {EjectWait.TotalSeconds:0} s (it must support PCI hot-unplug and not hold the disk busy); "
                    + "it stays attached; ask again, or shut the VM down and block-detach then");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), vm.Time, ct).ConfigureAwait(false);
        }

        if (node is not null)
        {
            try
            {
                await qmp.BlockdevDelAsync(node, ct).ConfigureAwait(false);
            }
            catch (QmpException)
            {
                // A node made with the device (-drive) goes with it.
            }
        }

        return vm.Commit(without);
    }
}
