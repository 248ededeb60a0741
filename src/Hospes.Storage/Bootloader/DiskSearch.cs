using Hospes.Core.Errors;

namespace Hospes.Storage.Bootloader;

/// <summary>What the boot loader found on each partition, to explain a failure in one message.</summary>
internal sealed class DiskSearch(string diskPath)
{
    private const string Fix = "give kernel= and ramdisk= in the config instead";
    private static readonly string[] Unreadable = ["xfs", "btrfs", "LVM2_member", "crypto_LUKS"];
    private readonly List<(DiskPartition Partition, string Type)> _filesystems = [];
    private readonly List<string> _problems = [];

    public IReadOnlyList<(DiskPartition Partition, string Type)> Filesystems => _filesystems;

    public void Probed(DiskPartition partition, string type) => _filesystems.Add((partition, type));

    public void Problem(DiskPartition partition, string type, string message) =>
        _problems.Add($"{Name(partition)} ({type}): {message}");

    public HospesError Failure()
    {
        string tried = string.Join(", ", _filesystems.Select(f => $"{(f.Partition.Index == 0 ? "whole disk" : f.Partition.Index)} ({f.Type})"));
        if (_problems.Count > 0)
        {
            return HospesError.Invalid($"disk {diskPath}: {_problems[0]}; {Fix}") with { Details = _problems };
        }

        var unsupported = _filesystems.Where(f => Unreadable.Contains(f.Type)).ToList();
        if (unsupported.Count > 0)
        {
            (DiskPartition p, string type) = unsupported[0];
            return HospesError.Unavailable(
                $"disk {diskPath}: {Name(p)} holds {type}, which Hospes cannot read without mounting it (it reads ext2/3/4 only) (partitions tried: {tried}); {Fix}");
        }

        return HospesError.NotFound(
            $"disk {diskPath}: no ext2/3/4 filesystem with a GRUB menu or /boot/vmlinuz found (partitions tried: {tried}); {Fix}");
    }

    private static string Name(DiskPartition p) => p.Index == 0 ? "the whole-disk filesystem" : $"partition {p.Index}";
}
