using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.CloudInit;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Debian;

/// <summary>Turns debootstrap's output into a bootable, clonable template: boot files, network, identity reset, cleanup.</summary>
internal static class DebianRootfs
{
    /// <summary>Loaded by the initramfs: the root disk's drivers on q35 (virtio-pci, AHCI, IDE) and microvm (virtio-mmio).</summary>
    public static IReadOnlyList<string> InitramfsModules { get; } =
        ["virtio_pci", "virtio_mmio", "virtio_blk", "virtio_scsi", "sd_mod", "ahci", "ata_piix", "ext4"];

    /// <summary>
    /// DHCP on every NIC, the MAC as client id: clones have machine-ids of their own, but forks share their parent's (from
    /// which networkd's default client id derives), and each needs a lease of its own.
    /// </summary>
    public const string DhcpNetwork = "[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n\n[DHCPv4]\nClientIdentifier=mac\n";

    /// <summary>Configures <paramref name="root"/>; returns the installed kernel's release.</summary>
    public static async Task<Result<string>> ConfigureAsync(string root, string release, string mirror, string hostname, CancellationToken ct)
    {
        Result<string> kernel = FindKernel(root);
        if (!kernel.IsOk)
        {
            return kernel;
        }

        // debootstrap copied the host's hostname and resolv.conf; neither belongs in the guest.
        Write(root, "etc/hostname", hostname + "\n");
        Write(root, "etc/hosts", $"127.0.0.1\tlocalhost\n127.0.1.1\t{hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        Replace(root, "etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf");
        Write(root, "etc/fstab", $"LABEL={DebianGuest.RootLabel}\t/\text4\terrors=remount-ro\t0\t1\n");
        Write(root, "etc/apt/sources.list", $"deb {mirror} {release} main\n");
        Write(root, "etc/systemd/network/90-dhcp.network", DhcpNetwork);
        Write(root, "boot/grub/grub.cfg", GrubConfig.Render($"Debian GNU/Linux ({release})", kernel.Value, DebianGuest.DefaultCmdline));

        // A list of modules, not MODULES=most: the initramfs drops from ~13 MB to ~6 MB, which TCG unpacks noticeably faster.
        Write(root, "etc/initramfs-tools/conf.d/hospes.conf", "MODULES=list\n");
        Write(root, "etc/initramfs-tools/modules", string.Join('\n', InitramfsModules) + "\n");

        BootTuning.MaskIn(root);
        NoCloudGuestAgent.InstallInto(root);
        DebianPostFork.InstallInto(root);
        HospesError? enabled = await BuildTool.InChrootAsync(
            root, ["systemctl", "--root=/", "enable", "systemd-networkd.service", "systemd-resolved.service"], "enabling systemd-networkd", ct)
            .ConfigureAwait(false);
        if (enabled is not null)
        {
            return enabled;
        }

        HospesError? initramfs = await BuildTool.InChrootAsync(
            root, ["update-initramfs", "-u", "-k", kernel.Value], "rebuilding the initramfs", ct).ConfigureAwait(false);
        if (initramfs is not null)
        {
            return initramfs;
        }

        HospesError? drivers = await CheckInitramfsAsync(root, kernel.Value, ct).ConfigureAwait(false);
        if (drivers is not null)
        {
            return drivers;
        }

        ResetIdentity(root);
        Clean(root);
        return kernel.Value;
    }

    /// <summary>A root disk the initramfs cannot see is a guest that never boots; catch it at build time.</summary>
    private static async Task<HospesError?> CheckInitramfsAsync(string root, string kernel, CancellationToken ct)
    {
        Result<ToolOutput> list = await ToolRunner.RunAsync("chroot", [root, "lsinitramfs", "/boot/initrd.img-" + kernel], null, ct)
            .ConfigureAwait(false);
        if (!list.IsOk)
        {
            return list.Error;
        }

        string[] missing = [.. InitramfsModules.Where(m => m is "virtio_pci" or "virtio_blk" or "virtio_mmio")
            .Where(m => !list.Value.StandardOutput.Contains($"/{m}.ko", StringComparison.Ordinal))];
        return missing.Length == 0 ? null : HospesError.Unavailable(
            $"the initramfs of kernel {kernel} lacks {string.Join(", ", missing)} (lsinitramfs: {list.Value.Complaint}); "
            + "the guest could not find its disk; check /etc/initramfs-tools/modules handling in this Debian release");
    }

    /// <summary>The release of the one kernel in /boot (vmlinuz-&lt;release&gt;).</summary>
    internal static Result<string> FindKernel(string root)
    {
        string boot = Path.Combine(root, "boot");
        string[] kernels = Directory.Exists(boot) ? Directory.GetFiles(boot, "vmlinuz-*") : [];
        if (kernels.Length != 1)
        {
            return HospesError.Unavailable(
                $"expected one kernel in {boot} after debootstrap, found {kernels.Length}; check that linux-image-cloud-amd64 installed");
        }

        return Path.GetFileName(kernels[0])["vmlinuz-".Length..];
    }

    /// <summary>Every clone must make its own machine-id (DHCP's client id derives from it) and ssh host keys.</summary>
    private static void ResetIdentity(string root)
    {
        Write(root, "etc/machine-id", "");
        string dbusId = Path.Combine(root, "var/lib/dbus/machine-id");
        if (Directory.Exists(Path.GetDirectoryName(dbusId)))
        {
            File.Delete(dbusId);
        }

        foreach (string key in Directory.GetFiles(Path.Combine(root, "etc/ssh"), "ssh_host_*"))
        {
            File.Delete(key);
        }
    }

    /// <summary>Downloaded packages and index files are ~120 MB the template does not need; `apt update` brings the lists back.</summary>
    private static void Clean(string root)
    {
        foreach (string pattern in (string[])["var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*_*", "var/log/*.log"])
        {
            string dir = Path.Combine(root, Path.GetDirectoryName(pattern)!);
            if (Directory.Exists(dir))
            {
                foreach (string file in Directory.GetFiles(dir, Path.GetFileName(pattern)))
                {
                    File.Delete(file);
                }
            }
        }
    }

    private static void Write(string root, string path, string text)
    {
        string full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // A symlink here (resolv.conf) would be followed out of the root; replace it with a file.
        if (new FileInfo(full).LinkTarget is not null)
        {
            File.Delete(full);
        }

        File.WriteAllText(full, text);
    }

    private static void Replace(string root, string path, string linkTarget)
    {
        string full = Path.Combine(root, path);
        File.Delete(full);
        File.CreateSymbolicLink(full, linkTarget);
    }
}
