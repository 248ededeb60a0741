using Hospes.Storage.Debian;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// What a boot-loader run cut off by a kill of hospesd leaves behind: the qemu-storage-daemon it started (it daemonized,
/// so it outlived hospesd) and its FUSE mount of the guest's disk in the VM's boot folder. The daemon keeps the disk
/// open, so QEMU cannot lock it, and the mount keeps the VM's folder from being deleted.
/// </summary>
public static class BootExportCleanup
{
    /// <summary>Stops every such export under <paramref name="dir"/>; one line per export: stopped, or why it is still there.</summary>
    public static async Task<IReadOnlyList<string>> StopUnderAsync(string dir)
    {
        var report = new List<string>();
        IEnumerable<string> exports = MountCleanup.MountsUnder(dir).Where(p => Path.GetFileName(p).StartsWith(RawDisk.ScratchPrefix, StringComparison.Ordinal));
        foreach (string mountpoint in exports)
        {
            report.Add(await FuseExport.StopLeftoverAsync(mountpoint).ConfigureAwait(false)
                ? $"stopped the FUSE export {mountpoint}: a boot-loader run cut off by a kill of hospesd left it mounted"
                : $"the FUSE export {mountpoint} (left by a boot-loader run cut off by a kill) is still mounted; unmount it by hand (umount -l {mountpoint})");
        }

        return report;
    }
}
