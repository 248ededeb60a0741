using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Hospes.Storage.QemuImg;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Vms.Disks;

/// <summary>
/// `hospes block-attach` (xl block-attach): a disk added to the VM's spec, and while QEMU runs plugged as a virtio-blk
/// PCI device into a free hot-plug root port. QEMU runs as its own uid and cannot open the image itself: hospesd opens
/// the file and its backing chain and hands them over (add-fd).
/// </summary>
internal sealed class BlockAttachCommand(DiskSpec disk, IQemuImg img) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "block-attach to";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (r.Spec.Disks.FirstOrDefault(d => string.Equals(d.Vdev, disk.Vdev, StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            return HospesError.Conflict($"{r.Name} has a disk {taken.Vdev} already ({taken.Source ?? taken.Target}); choose another vdev (`hospes block-list {r.Name}` shows them)");
        }

        if (disk.DeviceType == DiskDeviceType.Cdrom)
        {
            return HospesError.Invalid($"{r.Name}: a cdrom drive cannot be attached while the VM is defined; give its config a cdrom drive (e.g. ',hdc:cdrom,r') and change media with cd-insert");
        }

        VmRecord withDisk = r with { Spec = r.Spec with { Disks = [.. r.Spec.Disks, disk] } };
        if (vm.Qmp is not { } qmp)
        {
            return vm.Commit(withDisk);
        }

        if (HotplugBus(r) is not { } ports)
        {
            return HospesError.Invalid($"cannot block-attach to {r.Name} while it runs: its machine ({r.Machine}) has no hot-plug; shut it down and block-attach then (the disk is there at its next start), or give it machine = 'q35'");
        }

        if (r.Spec.Boot == BootMode.Hvm && disk.Vdev.StartsWith("hd", StringComparison.OrdinalIgnoreCase))
        {
            return HospesError.Invalid($"{r.Name}: {disk.Vdev} would be an IDE disk, which cannot be plugged while the guest runs; name it xvd{disk.Vdev[2..]} (a virtio disk)");
        }

        Result<JsonObject> node = await OpenAsync(qmp, QemuNames.DiskNode(r.Spec.Disks.Count), ct).ConfigureAwait(false);
        if (!node.IsOk)
        {
            return node.Error;
        }

        string nodeName = QemuNames.DiskNode(r.Spec.Disks.Count);
        try
        {
            await qmp.BlockdevAddAsync(node.Value, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            return HospesError.Unavailable($"{r.Name}: QEMU could not open {disk.Target}: {e.Message}");
        }

        string? lastRefusal = null;
        foreach (string? port in ports)
        {
            var device = new JsonObject { ["driver"] = "virtio-blk-pci", ["id"] = QemuNames.DiskDevice(disk.Vdev), ["drive"] = nodeName };
            if (port is not null)
            {
                device["bus"] = port;
            }

            try
            {
                await qmp.DeviceAddAsync(device, ct).ConfigureAwait(false);
                return vm.Commit(withDisk);
            }
            catch (QmpException e)
            {
                // A root port holds one device: the next one may be free.
                lastRefusal = e.Message;
            }
        }

        await qmp.BlockdevDelAsync(nodeName, ct).ConfigureAwait(false);
        return HospesError.Unavailable($"{r.Name}: no free hot-plug slot for {disk.Vdev} ({QemuCommandLineBuilder.HotplugPorts} ports, QEMU said: {lastRefusal}); "
            + "detach a disk first, or shut the VM down and block-attach then");
    }

    /// <summary>The buses a device can be plugged into while the guest runs: q35's empty root ports, pc's root bus (null); null when none.</summary>
    internal static IReadOnlyList<string?>? HotplugBus(VmRecord r) => r.Machine switch
    {
        { } m when m.Contains(MachineChooser.Q35, StringComparison.Ordinal) => [.. Enumerable.Range(0, QemuCommandLineBuilder.HotplugPorts).Select(QemuCommandLineBuilder.HotplugPort)],
        { } m when m.StartsWith(MachineChooser.Pc, StringComparison.Ordinal) => [null],
        _ => null,
    };

    /// <summary>The blockdev-add options for the disk, every file of its chain passed to QEMU as an fd set.</summary>
    private async Task<Result<JsonObject>> OpenAsync(IQmp qmp, string nodeName, CancellationToken ct)
    {
        var chain = new List<(string Path, string Format)> { (disk.Target, disk.Format) };
        if (disk.Format == "qcow2")
        {
            Result<ImageFileInfo> info = await img.InfoAsync(disk.Target, disk.Format, ct).ConfigureAwait(false);
            if (!info.IsOk)
            {
                return info.Error;
            }

            chain.AddRange(info.Value.BackingChain.Select(b => (b.Filename, b.Format)));
        }

        JsonObject? below = null;
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            bool readOnly = i > 0 || disk.ReadOnly;
            (string path, string format) = chain[i];
            long fdSet;
            try
            {
                using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite);
                fdSet = await qmp.AddFdAsync(file, $"{disk.Vdev}:{Path.GetFileName(path)}", ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return HospesError.Unavailable($"cannot open {path} for {disk.Vdev}: {e.Message}");
            }

            var file2 = new JsonObject
            {
                ["driver"] = path.StartsWith("/dev/", StringComparison.Ordinal) ? "host_device" : "file",
                ["filename"] = QmpFiles.FdSetPath(fdSet),
                ["read-only"] = readOnly,
            };
            var node = new JsonObject { ["driver"] = format, ["file"] = file2, ["read-only"] = readOnly };
            if (!readOnly)
            {
                file2["discard"] = "unmap";
                node["discard"] = "unmap";
            }

            if (format == "qcow2")
            {
                node["backing"] = below;
            }

            below = node;
        }

        below!["node-name"] = nodeName;
        return below;
    }
}
