using System.Globalization;
using System.Text;
using Hospes.Storage.Tests.Tiny.Support;

namespace Hospes.Storage.Tests.Bootloader;

/// <summary>Builds guest disk images without mounting: mkfs.ext4 -d for filesystems, sfdisk for tables, dd to place them.</summary>
internal static class BootDisk
{
    public const int MiB = 1 << 20;

    /// <summary>An ext4 image holding <paramref name="files"/> (text or bytes) and <paramref name="links"/> (path to target).</summary>
    /// <param name="sparse">Files of that many bytes, all a hole (mkfs keeps holes: they take no room in the image).</param>
    public static async Task<string> Ext4Async(
        string dir, string name, IReadOnlyDictionary<string, object> files, IReadOnlyDictionary<string, string>? links = null, int sizeMiB = 16,
        IReadOnlyDictionary<string, long>? sparse = null)
    {
        string root = Path.Combine(dir, name + "-root");
        Directory.CreateDirectory(root);
        foreach ((string path, object content) in files)
        {
            string host = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            await File.WriteAllBytesAsync(host, content as byte[] ?? Encoding.UTF8.GetBytes((string)content));
        }

        foreach ((string path, long bytes) in sparse ?? new Dictionary<string, long>())
        {
            string host = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            await using var f = new FileStream(host, FileMode.CreateNew);
            f.SetLength(bytes);
        }

        foreach ((string path, string target) in links ?? new Dictionary<string, string>())
        {
            string host = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            File.CreateSymbolicLink(host, target);
        }

        string image = Path.Combine(dir, name + ".ext4");
        await Tool.RunAsync("mkfs.ext4", "-q", "-F", "-d", root, image, $"{sizeMiB}M");
        return image;
    }

    public static async Task<string> SwapAsync(string dir, string name, int sizeMiB)
    {
        string image = Path.Combine(dir, name + ".swap");
        await using (var f = new FileStream(image, FileMode.CreateNew))
        {
            f.SetLength((long)sizeMiB * MiB);
        }

        await Tool.RunAsync("mkswap", "-q", image);
        return image;
    }

    /// <summary>
    /// A raw disk with a "dos" or "gpt" table; each partition gets <c>SizeMiB</c> from 1 MiB on, in order, and
    /// its image (if any) copied in. Types are sfdisk's (83, 82, L, S).
    /// </summary>
    public static async Task<string> PartitionedAsync(string dir, string name, string label, params Part[] parts)
    {
        string disk = Path.Combine(dir, name + ".raw");
        long total = 2 + parts.Sum(p => p.SizeMiB);
        await using (var f = new FileStream(disk, FileMode.CreateNew))
        {
            f.SetLength(total * MiB);
        }

        var script = new StringBuilder($"label: {label}\n");
        long start = 1;
        foreach (Part p in parts)
        {
            script.Append(CultureInfo.InvariantCulture, $"start={start * 2048}, size={p.SizeMiB * 2048}, type={p.Type}{(p.Bootable ? ", bootable" : "")}\n");
            start += p.SizeMiB;
        }

        string scriptFile = Path.Combine(dir, name + ".sfdisk");
        await File.WriteAllTextAsync(scriptFile, script.ToString());
        await Tool.RunAsync("sh", "-c", $"sfdisk -q '{disk}' < '{scriptFile}'");
        start = 1;
        foreach (Part p in parts)
        {
            if (p.Image is not null)
            {
                await Tool.RunAsync("dd", $"if={p.Image}", $"of={disk}", "bs=1M", $"seek={start}", "conv=notrunc", "status=none");
            }

            start += p.SizeMiB;
        }

        return disk;
    }

    public static async Task<string> ToQcow2Async(string raw)
    {
        string qcow2 = Path.ChangeExtension(raw, ".qcow2");
        await Tool.RunAsync("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        File.Delete(raw);
        return qcow2;
    }

    public static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
