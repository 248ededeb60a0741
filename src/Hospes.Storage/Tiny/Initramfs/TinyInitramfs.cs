using System.IO.Compression;
using System.Text;
using Hospes.Storage.Tiny.Elf;
using Hospes.Storage.Tiny.Modules;
using Hospes.Storage.Tiny.Ssh;

namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>
/// Assembles the tiny guest's root filesystem: busybox with its applet links made here, the modules, the scripts, and
/// the SSH server with its loader and libraries in a second, uncompressed archive.
/// </summary>
internal static class TinyInitramfs
{
    private const int Regular = 0b110_100_100; // 0644

    /// <param name="applets">busybox --list-full: paths such as "sbin/init", "usr/bin/awk".</param>
    /// <param name="ssh">The SSH server's and the guest agent's files (<see cref="SharedLibraryResolver"/>).</param>
    public static async Task<InitramfsArchives> ComposeAsync(
        string busyboxPath,
        IEnumerable<string> applets,
        string kernelVersion,
        ModuleSelection modules,
        IReadOnlyList<ProgramFile> ssh,
        CancellationToken ct)
    {
        var layout = new InitramfsLayout();
        foreach (string dir in (string[])["dev", "proc", "sys", "mnt", "run", "var/log"])
        {
            layout.Add(CpioEntry.Directory(dir));
        }

        layout.Add(CpioEntry.Directory("tmp", 0b1_111_111_111)); // 1777
        layout.Add(CpioEntry.Directory("root", 0b111_000_000));
        // /etc/rc appends the keys from the command line to root/.ssh/authorized_keys without a mkdir (a fork under TCG).
        layout.Add(CpioEntry.Directory("root/.ssh", 0b111_000_000));
        layout.Add(CpioEntry.Directory(Dropbear.HostKeyDirectory, 0b111_000_000));
        // The kernel opens /dev/console for init before anything mounts devtmpfs.
        layout.Add(CpioEntry.CharDevice("dev/console", 0b110_000_000, 5, 1));

        byte[] busybox = await File.ReadAllBytesAsync(busyboxPath, ct).ConfigureAwait(false);
        layout.Add(CpioEntry.File("bin/busybox", busybox, GuestFiles.Executable));
        layout.Add(CpioEntry.Symlink("init", "/bin/busybox"));
        foreach (string applet in applets)
        {
            // linuxrc is the initrd-era init; /init plays that part. No hwclock: the guest's RTC is QEMU's, which follows
            // the host's clock, and qemu-ga's guest-set-time would start it in every fork whose clock hospesd sets (measured:
            // 3.5 MiB more translation cache and 0.1 CPU-s per fork under TCG); the agent sets the system clock without it.
            if (applet is not ("linuxrc" or "sbin/hwclock") && !layout.Contains(applet))
            {
                layout.Add(CpioEntry.Symlink(applet, "/bin/busybox"));
            }
        }

        foreach (GuestFile file in GuestFiles.All)
        {
            layout.Add(CpioEntry.File(file.Path, Encoding.UTF8.GetBytes(file.Content), file.Mode));
        }

        layout.Add(CpioEntry.File(RcModules.Path, Encoding.UTF8.GetBytes(RcModules.Render(kernelVersion, modules.Chains)), Regular));
        string moduleDir = RcModules.ModuleDirectory(kernelVersion);
        foreach (SelectedModule module in modules.Modules)
        {
            byte[] ko = await File.ReadAllBytesAsync(module.SourcePath, ct).ConfigureAwait(false);
            layout.Add(CpioEntry.File($"{moduleDir}/{module.Name}.ko", ko, Regular));
        }

        var stored = new InitramfsLayout();
        foreach (ProgramFile file in ssh)
        {
            if (layout.Contains(file.GuestPath))
            {
                throw new InvalidOperationException($"initramfs member {file.GuestPath} was added twice");
            }

            byte[] content = await File.ReadAllBytesAsync(file.SourcePath, ct).ConfigureAwait(false);
            stored.Add(CpioEntry.File(file.GuestPath, content, file.Mode));
        }

        return new InitramfsArchives(layout, stored);
    }

    /// <summary>
    /// Writes the gzip'd newc cpio archive, then the uncompressed one at the next 4-byte boundary (where the kernel
    /// looks for it). The kernel gunzips slowly under TCG: the SSH server's 4 MiB cost ~150 ms of boot compressed and
    /// ~20 ms stored. gunzip and zcat read the first archive only.
    /// </summary>
    /// <returns>The file's size.</returns>
    public static async Task<long> WriteAsync(InitramfsArchives archives, string path, CancellationToken ct)
    {
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var gzip = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                await archives.Compressed.WriteCpioAsync(gzip, ct).ConfigureAwait(false);
            }

            if (archives.Stored.Entries.Any())
            {
                await file.WriteAsync(new byte[(4 - (file.Position % 4)) % 4], ct).ConfigureAwait(false);
                await archives.Stored.WriteCpioAsync(file, ct).ConfigureAwait(false);
            }

            // On disk before the image directory is renamed into place, so a crash cannot leave a torn initrd.
            file.Flush(flushToDisk: true);
            return file.Length;
        }
    }
}
