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

        // #15: the kernel the guest runs goes with it; the destination never reads a disk the guest writes (or that is
        // still empty there, with --copy-storage).
        MigratedBoot? bootFiles = null;
        if (Vms.BootloaderStep.Applies(r.Spec))
        {
            Result<MigratedBoot> extracted = await ExtractedBootAsync(r).ConfigureAwait(false);
            if (!extracted.IsOk)
            {
                return extracted.Error;
            }

            bootFiles = extracted.Value;
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
            Project = r.Project,
            Postcopy = plan.Postcopy,
            AgentChannel = (await qmp.DeviceIdsAsync().ConfigureAwait(false)).Contains(QemuNames.AgentSerial),
            DryRun = plan.DryRun,
            Boot = plan.DryRun ? null : bootFiles,
        };
    }

    /// <summary>The kernel, initrd and arguments pygrub extracted at this VM's start (its QEMU runs them).</summary>
    private async Task<Result<MigratedBoot>> ExtractedBootAsync(VmRecord r)
    {
        string dir = Path.Combine(new VmLayout(new HostOptions { StateDir = stateDir }).VmDir(r.Uuid), "boot");
        string kernel = Path.Combine(dir, Hospes.Storage.Bootloader.GuestBootLoader.KernelFileName);
        string initrd = Path.Combine(dir, Hospes.Storage.Bootloader.GuestBootLoader.InitrdFileName);
        string args = Path.Combine(dir, Vms.BootloaderStep.CmdlineFileName);
        if (!File.Exists(kernel) || !File.Exists(args))
        {
            return HospesError.State($"cannot migrate {r.Name}: the kernel its bootloader extracted at its start is gone from {dir}; shut it down and start it again (pygrub extracts it anew), then migrate");
        }

        long size = new FileInfo(kernel).Length + (File.Exists(initrd) ? new FileInfo(initrd).Length : 0);
        if (size > MigrationDefaults.BootFilesLimitBytes)
        {
            return HospesError.State(
                $"cannot migrate {r.Name}: the kernel and initrd its bootloader extracted take {size >> 20} MiB, more than the {MigrationDefaults.BootFilesLimitBytes >> 20} MiB a migration carries; give kernel= and ramdisk= on storage both hosts see in its config");
        }

        return new MigratedBoot(
            Convert.ToBase64String(await File.ReadAllBytesAsync(kernel).ConfigureAwait(false)),
            File.Exists(initrd) ? Convert.ToBase64String(await File.ReadAllBytesAsync(initrd).ConfigureAwait(false)) : null,
            await File.ReadAllTextAsync(args).ConfigureAwait(false));
    }

    /// <summary>The QEMU block node of the disk with <paramref name="vdev"/>.</summary>
    public static string DiskNode(VmSpec spec, string vdev) => QemuNames.DiskNode(spec.Disks.ToList().FindIndex(d => d.Vdev == vdev));
}
