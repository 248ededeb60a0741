using System.Security.Cryptography;

namespace Hospes.Testing;

/// <summary>Disk images made with the real tools (mkfs.ext4 -d, qemu-img, qemu-io): no mounting needed.</summary>
public static class Disks
{
    /// <summary>A qcow2 disk with an ext4 filesystem holding <paramref name="files"/> (name → content).</summary>
    public static async Task<string> Ext4Async(string dir, string name, IReadOnlyDictionary<string, string> files, string size = "64M")
    {
        string content = Path.Combine(dir, name + ".content");
        Directory.CreateDirectory(content);
        foreach (var (file, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(content, file), text);
        }

        string raw = Path.Combine(dir, name + ".raw");
        await ToolAsync("truncate", "-s", size, raw);
        await ToolAsync("mkfs.ext4", "-q", "-F", "-d", content, raw);
        string qcow2 = Path.Combine(dir, name + ".qcow2");
        await ToolAsync("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        File.Delete(raw);
        Directory.Delete(content, recursive: true);
        return qcow2;
    }

    /// <summary>Runs a host tool; throws with its output unless it exits with 0.</summary>
    public static Task<CliResult> ToolAsync(string tool, params string[] args) => Run.ToolAsync(tool, args);

    public static string Sha256(string path)
    {
        using FileStream f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    /// <summary>qemu-img info's backing file of an image, or null.</summary>
    public static async Task<string?> BackingOfAsync(string path)
    {
        CliResult r = await ToolAsync("qemu-img", "info", "-U", "--output=json", path);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        return doc.RootElement.TryGetProperty("backing-filename", out var b) ? b.GetString() : null;
    }
}
