using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Migration;

/// <summary>What the destination needs to know of an outgoing VM: the spec, RAM, QEMU, and which disks it must make.</summary>
internal sealed class MigrationOfferBuilder(string stateDir, Balloons balloons)
{
    public async Task<Result<MigrationOffer>> BuildAsync(VmRecord r, MigrationPlan plan, IQmp qmp, bool running)
    {
        string state = Path.GetFullPath(stateDir) + "/";
        var local = r.Spec.Disks.Where(d => d.Target.Length > 0 && Path.GetFullPath(d.Target).StartsWith(state, StringComparison.Ordinal)).ToList();
        if (local.Count > 0 && !plan.CopyStorage)
        {
            return HospesError.State($"cannot migrate {r.Name} without --copy-storage: {string.Join(", ", local.Select(d => $"{d.Vdev} ({d.Target})"))} {(local.Count == 1 ? "is" : "are")} on this host's own storage; add --copy-storage to copy {(local.Count == 1 ? "it" : "them")}, or put the disks on storage both hosts see");
        }

        if (Vms.BootloaderStep.Applies(r.Spec) && Vms.BootloaderStep.BootDisk(r.Spec) is { ReadOnly: false } boot && local.Any(d => d.Vdev == boot.Vdev))
        {
            // #15: the destination's copy of the disk is empty until the stream ends, so pygrub has nothing to read there.
            return HospesError.State(
                $"cannot migrate {r.Name} with --copy-storage: it boots with bootloader '{r.Spec.Bootloader}', which reads the kernel from {boot.Vdev}, and the destination's copy of {boot.Vdev} is empty until the migration ends; put its disks on storage both hosts see, or give kernel= and ramdisk= in its config");
        }

        Result<MigratedBoot?> bootFiles = await BootFilesAsync(r).ConfigureAwait(false);
        if (!bootFiles.IsOk)
        {
            return bootFiles.Error;
        }

        IReadOnlyDictionary<string, long> sizes = await qmp.QueryNodeSizesAsync().ConfigureAwait(false);
        var mirrored = new List<MigratedDisk>();
        var inline = new Dictionary<string, string>();
        foreach (DiskSpec d in local)
        {
            if (!d.ReadOnly)
            {
                mirrored.Add(new MigratedDisk(d.Vdev, sizes.GetValueOrDefault(DiskNode(r.Spec, d.Vdev))));
                continue;
            }

            long length = new FileInfo(d.Target).Length;
            if (length > MigrationDefaults.InlineDiskLimitBytes)
            {
                return HospesError.State($"cannot migrate {r.Name}: read-only disk {d.Vdev} ({d.Target}, {length >> 20} MiB) is on this host's storage and too large to send with the VM; put it where both hosts see it");
            }

            inline[d.Vdev] = Convert.ToBase64String(await File.ReadAllBytesAsync(d.Target).ConfigureAwait(false));
        }

        return new MigrationOffer
        {
            Spec = r.Spec,
            RamMib = balloons.Of(qmp).BootedMib ?? Math.Max(r.Spec.MemoryMib, r.Spec.MaxMemoryMib),
            Running = running,
            SourceHost = plan.SourceHost,
            QemuVersion = qmp.QemuVersion.ToString(),
            Accel = r.Accel ?? "tcg",
            CpuModel = HostMachine.CpuModel(),
            MirroredDisks = mirrored,
            InlineDisks = inline,
            SshHostKey = new GuestHostKeys(new VmLayout(new HostOptions { StateDir = stateDir })).Find(r.Uuid)?.PrivateText,
            Postcopy = plan.Postcopy,
            DryRun = plan.DryRun,
            Boot = bootFiles.Value,
        };
    }

    /// <summary>
    /// #15: what the guest's bootloader extracted at the start it runs from (its folder's boot/, cmdline written
    /// last), for the destination to boot instead of reading a disk the guest is writing; null when it has none.
    /// </summary>
    private async Task<Result<MigratedBoot?>> BootFilesAsync(VmRecord r)
    {
        (string kernel, string initrd, string cmdline) = Vms.BootloaderStep.Files(new VmLayout(new HostOptions { StateDir = stateDir }).VmDir(r.Uuid));
        if (!Vms.BootloaderStep.Applies(r.Spec) || !File.Exists(kernel) || !File.Exists(cmdline))
        {
            return (MigratedBoot?)null;
        }

        bool hasInitrd = File.Exists(initrd);
        long size = new FileInfo(kernel).Length + (hasInitrd ? new FileInfo(initrd).Length : 0);
        if (size > MigrationDefaults.BootFilesLimitBytes)
        {
            return HospesError.State($"cannot migrate {r.Name}: the kernel and initrd its bootloader '{r.Spec.Bootloader}' extracted ({size >> 20} MiB) are more than the {MigrationDefaults.BootFilesLimitBytes >> 20} MiB that travel with a VM; give kernel= and ramdisk= in its config");
        }

        return new MigratedBoot(
            Convert.ToBase64String(await File.ReadAllBytesAsync(kernel).ConfigureAwait(false)),
            hasInitrd ? Convert.ToBase64String(await File.ReadAllBytesAsync(initrd).ConfigureAwait(false)) : null,
            await File.ReadAllTextAsync(cmdline).ConfigureAwait(false));
    }

    /// <summary>The QEMU block node of the disk with <paramref name="vdev"/>.</summary>
    public static string DiskNode(VmSpec spec, string vdev) => QemuNames.DiskNode(spec.Disks.ToList().FindIndex(d => d.Vdev == vdev));
}
