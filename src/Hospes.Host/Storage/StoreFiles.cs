using System.Security.Cryptography;

namespace Hospes.Host.Storage;

/// <summary>File steps the store's services share: removing what a failed step left, sealing read-only bases, their checksums.</summary>
internal static class StoreFiles
{
    /// <summary>Removes a file or a folder, read-only or not; a path that is gone already is fine.</summary>
    public static void DeleteQuietly(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(path);
        }
    }

    public static void MakeReadOnly(string path) =>
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using FileStream f = File.OpenRead(path);
        byte[] hash = await SHA256.HashDataAsync(f, ct).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }

    public static IEnumerable<string> Files(string dir, string pattern, SearchOption option = SearchOption.TopDirectoryOnly) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern, option) : [];

    public static IEnumerable<string> Dirs(string dir) => Directory.Exists(dir) ? [.. Directory.EnumerateDirectories(dir)] : [];
}
