using Hospes.Core.Errors;

namespace Hospes.Storage.Debian;

/// <summary>
/// Makes the template's disk from a root directory without loop devices or mounts: an MBR with one ext4 partition filled
/// by mkfs.ext4 -d, copied into place with dd, then converted to qcow2.
/// </summary>
internal static class DebianDisk
{
    /// <summary>The partition starts at 1 MiB, as fdisk and parted align it.</summary>
    public const long PartitionOffset = 1 << 20;

    public static async Task<HospesError?> WriteAsync(
        IReadOnlyDictionary<string, string> tools, string root, long sizeBytes, string work, string qcow2, CancellationToken ct)
    {
        long partitionBytes = sizeBytes - PartitionOffset;
        string disk = Path.Combine(work, "disk.raw");
        string partition = Path.Combine(work, "root.ext4");
        CreateSparse(disk, sizeBytes);
        CreateSparse(partition, partitionBytes);

        // sfdisk reads its script from stdin; the runner closes stdin, so a shell feeds it from a file.
        string script = Path.Combine(work, "disk.sfdisk");
        await File.WriteAllTextAsync(script, PartitionTable(partitionBytes), ct).ConfigureAwait(false);
        HospesError? error = await BuildTool.RunAsync(
            "sh", ["-c", "exec \"$0\" --quiet --no-reread --no-tell-kernel \"$1\" < \"$2\"", tools["sfdisk"], disk, script],
            "partitioning the disk image", "check that sfdisk (package fdisk) works on plain files", ct).ConfigureAwait(false);
        error ??= await BuildTool.RunAsync(
            tools["mkfs.ext4"], ["-q", "-F", "-t", "ext4", "-L", DebianGuest.RootLabel, "-d", root, partition],
            "making the root filesystem", $"a larger disk may be needed than {sizeBytes >> 20} MiB (--size)", ct)
            .ConfigureAwait(false);
        error ??= await BuildTool.RunAsync(
            "dd", [$"if={partition}", $"of={disk}", "bs=1M", $"seek={PartitionOffset >> 20}", "conv=notrunc,sparse", "status=none"],
            "copying the root filesystem into the disk image", "check the free space in the image directory's filesystem", ct)
            .ConfigureAwait(false);
        File.Delete(partition);
        error ??= await BuildTool.RunAsync(
            tools["qemu-img"], ["convert", "-f", "raw", "-O", DebianGuest.DiskFormat, disk, qcow2],
            "converting the disk image to qcow2", "check the free space in the image directory's filesystem", ct).ConfigureAwait(false);
        File.Delete(disk);
        return error;
    }

    /// <summary>One bootable Linux partition from <see cref="PartitionOffset"/> to the end of the disk.</summary>
    internal static string PartitionTable(long partitionBytes) =>
        $"label: dos\nunit: sectors\n\nstart={PartitionOffset / 512}, size={partitionBytes / 512}, type=83, bootable\n";

    private static void CreateSparse(string path, long bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(bytes);
    }
}
