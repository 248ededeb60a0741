using Hospes.Core.Errors;

namespace Hospes.Storage.Debian;

/// <summary>Installs a minimal Debian into a directory (debootstrap --variant=minbase), keeping downloaded .debs in a cache.</summary>
internal static class Debootstrap
{
    public static Task<HospesError?> RunAsync(
        string debootstrap, string root, string release, string mirror, string cacheDir, IEnumerable<string> packages, CancellationToken ct)
    {
        // --cache-dir (debootstrap 1.0.97+): debs whose version is still current are taken from the cache, not downloaded.
        Directory.CreateDirectory(cacheDir);
        string[] args =
        [
            "--variant=minbase",
            "--components=main",
            "--include=" + string.Join(',', packages),
            "--cache-dir=" + Path.GetFullPath(cacheDir),
            release,
            root,
            mirror,
        ];
        return BuildTool.RunAsync(
            debootstrap,
            args,
            $"debootstrap of Debian {release} from {mirror}",
            $"check that {mirror} is reachable and serves '{release}' (set the mirror in /etc/apt/sources.list.d or pass one)",
            ct);
    }
}
