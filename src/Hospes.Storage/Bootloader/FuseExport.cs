using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.QemuImg;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// Shows an image of any format as a raw, read-only file through qemu-storage-daemon's FUSE export, so a
/// 20 GB qcow2 is read in place instead of converted. Needs /dev/fuse and the right to mount (root).
/// </summary>
internal sealed class FuseExport : IAsyncDisposable
{
    /// <summary>The daemon detaches from our pipes as it daemonizes; if one ever did not, we would wait for its whole life.</summary>
    private static readonly TimeSpan DaemonGrace = TimeSpan.FromSeconds(5);
    private readonly PidFd? _daemon;

    private FuseExport(string path, PidFd? daemon)
    {
        Path = path;
        _daemon = daemon;
    }

    /// <summary>The raw view of the image: a regular file while the export lasts.</summary>
    public string Path { get; }

    public static bool Available => File.Exists("/dev/fuse");

    public static async Task<Result<FuseExport>> StartAsync(string image, string format, string mountpoint, CancellationToken ct)
    {
        // The daemon changes to / when it daemonizes and unmounts by the path it was given: absolute paths only.
        image = System.IO.Path.GetFullPath(image);
        mountpoint = System.IO.Path.GetFullPath(mountpoint);
        string pidFile = mountpoint + ".pid";
        await File.WriteAllBytesAsync(mountpoint, [], ct).ConfigureAwait(false);
        Result<ToolOutput> run = await HostProcess.RunAsync(
            "qemu-storage-daemon",
            [
                "--daemonize", "--pidfile", pidFile,
                "--blockdev", $"driver=file,node-name=file0,filename={Escape(image)},read-only=on",
                "--blockdev", $"driver={Escape(format)},node-name=image0,file=file0,read-only=on",
                "--export", $"type=fuse,id=export0,node-name=image0,mountpoint={Escape(mountpoint)},writable=off",
            ],
            "qemu-utils",
            ct,
            daemonGrace: DaemonGrace,
            timeout: TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (!run.IsOk || !run.Value.Succeeded)
        {
            File.Delete(mountpoint);
            return run.IsOk ? HospesError.Unavailable($"qemu-storage-daemon cannot export {image}: {run.Value.Complaint}") : run.Error;
        }

        // With --daemonize the parent exits only after the export is mounted and the pid file written.
        // Signalled through a handle, never by pid: a daemon that already ended may have passed its pid on to a stranger.
        int pid = int.Parse(await File.ReadAllTextAsync(pidFile, ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        PidFd? daemon = PidFd.Open(pid);
        if (daemon is not null && !NamesMountpoint(pid, mountpoint))
        {
            daemon.Dispose();
            daemon = null;
        }

        return new FuseExport(mountpoint, daemon);
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM lets the daemon unmount; a killed one would leave a dead mount behind.
        if (_daemon is not null)
        {
            _daemon.Signal(PidFd.SigTerm);
            await _daemon.WaitForExitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
            _daemon.Dispose();
        }

        if (IsMounted(Path))
        {
            await HostProcess.RunAsync("umount", ["-l", Path], "mount", CancellationToken.None, timeout: TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Still mounted after all; the dot-file in the extract dir is harmless.
        }
    }

    private static bool NamesMountpoint(int pid, string mountpoint)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(mountpoint, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Stops the export at <paramref name="mountpoint"/> that an earlier, killed hospesd started: its daemon (found by the
    /// pid file beside the mountpoint, and only if that process is still a qemu-storage-daemon serving this mountpoint,
    /// signalled through a pidfd so a reused pid is never hit), then the mount. True when nothing is mounted there any longer.
    /// </summary>
    public static async Task<bool> StopLeftoverAsync(string mountpoint)
    {
        using (PidFd? daemon = DaemonOf(mountpoint))
        {
            if (daemon is not null)
            {
                _ = daemon.Signal(PidFd.SigTerm);
                if (!await daemon.WaitForExitAsync(DaemonGrace, TimeProvider.System, CancellationToken.None).ConfigureAwait(false))
                {
                    _ = daemon.Signal(PidFd.SigKill);
                }
            }
        }

        if (IsMounted(mountpoint))
        {
            await HostProcess.RunAsync("umount", ["-l", mountpoint], "mount", CancellationToken.None, timeout: TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        return !IsMounted(mountpoint);
    }

    /// <summary>The daemon serving <paramref name="mountpoint"/>, by its pid file; null when that pid is gone or is something else now.</summary>
    private static PidFd? DaemonOf(string mountpoint)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(mountpoint + ".pid").Trim(), System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid <= 1)
            {
                return null;
            }

            // The pidfd first, then the check: once open, the pid it names cannot be given to another process.
            PidFd? daemon = PidFd.Open(pid);
            if (daemon is null)
            {
                return null;
            }

            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            bool ours = argv.Length > 0 && System.IO.Path.GetFileName(argv[0]) == "qemu-storage-daemon"
                && argv.Any(a => a.Contains($"mountpoint={Escape(mountpoint)}", StringComparison.Ordinal));
            if (!ours)
            {
                daemon.Dispose();
                return null;
            }

            return daemon;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ').ElementAtOrDefault(4) == path.Replace(" ", "\\040", StringComparison.Ordinal));

    // QEMU's option syntax: a comma inside a value is written twice.
    private static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
