using System.Security.Cryptography;
using Hospes.Core.Errors;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Tiny.Apt;

/// <summary>Asks the host's apt which package versions are current and fetches their .debs into a cache. Never installs.</summary>
internal static class AptClient
{
    private const string Fix = "run ./setup.sh (it runs apt-get update) or check /etc/apt/sources.list";

    /// <summary>The candidate version of a package, from the local index (offline).</summary>
    public static async Task<Result<DebPackage>> ShowAsync(string package, CancellationToken ct)
    {
        Result<ToolResult> run = await ToolRunner.RunAsync("apt-cache", ["show", "--no-all-versions", package], null, ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        if (!run.Value.Succeeded || run.Value.Stdout.Trim().Length == 0)
        {
            string why = run.Value.Succeeded ? "apt knows no installable version of it" : run.Value.Complaint;
            return HospesError.Unavailable($"cannot resolve {package}: {why}; {Fix}");
        }

        IReadOnlyDictionary<string, string> fields = DebControl.ParseStanza(run.Value.Stdout);
        if (!fields.TryGetValue("Version", out string? version) || !fields.TryGetValue("SHA256", out string? sha256))
        {
            return HospesError.Unavailable($"cannot resolve {package}: apt-cache show printed no Version or SHA256 field; {Fix}");
        }

        return new DebPackage
        {
            Name = fields.TryGetValue("Package", out string? name) ? name : package,
            Version = version,
            Architecture = fields.TryGetValue("Architecture", out string? arch) ? arch : "amd64",
            Sha256 = sha256.ToLowerInvariant(),
            Depends = fields.TryGetValue("Depends", out string? depends) ? depends : "",
        };
    }

    /// <summary>Follows a metapackage (linux-image-cloud-amd64) to the versioned package it depends on.</summary>
    public static async Task<Result<DebPackage>> ResolveMetapackageAsync(string metapackage, string dependencyPrefix, CancellationToken ct)
    {
        Result<DebPackage> meta = await ShowAsync(metapackage, ct).ConfigureAwait(false);
        if (!meta.IsOk)
        {
            return meta.Error;
        }

        string? real = DebControl.DependencyNames(meta.Value.Depends)
            .FirstOrDefault(d => d.StartsWith(dependencyPrefix, StringComparison.Ordinal));
        if (real is null)
        {
            return HospesError.Unavailable(
                $"cannot resolve {metapackage} {meta.Value.Version}: it depends on no {dependencyPrefix}* package (Depends: {meta.Value.Depends}); {Fix}");
        }

        return await ShowAsync(real, ct).ConfigureAwait(false);
    }

    /// <summary>The cached .deb of exactly this version, downloading it first if the cache lacks it or holds a damaged copy.</summary>
    public static async Task<Result<string>> FetchAsync(DebPackage package, string cacheDir, IProgress<string>? progress, CancellationToken ct)
    {
        string target = Path.Combine(cacheDir, package.FileName);
        if (File.Exists(target) && await Sha256Async(target, ct).ConfigureAwait(false) == package.Sha256)
        {
            progress?.Report($"using cached {package.Name} {package.Version}");
            return target;
        }

        string partial;
        try
        {
            Directory.CreateDirectory(cacheDir);
            partial = TempDirectory.CreateIn(cacheDir, "partial");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable($"cannot write to the package cache {cacheDir}: {e.Message}; create it writable or choose another cache dir");
        }

        try
        {
            progress?.Report($"downloading {package.Name} {package.Version}");
            List<string> args = ["download", $"{package.Name}={package.Version}"];
            if (Environment.IsPrivilegedProcess)
            {
                // As root apt would hand the download to user _apt, who cannot write here; it falls back with a warning.
                args.InsertRange(0, ["-o", "APT::Sandbox::User=root"]);
            }

            Result<ToolResult> run = await ToolRunner.RunAsync("apt-get", args, partial, ct).ConfigureAwait(false);
            if (!run.IsOk)
            {
                return run.Error;
            }

            string? file = Directory.EnumerateFiles(partial, "*.deb").FirstOrDefault();
            if (!run.Value.Succeeded || file is null)
            {
                return HospesError.Unavailable($"cannot download {package.Name} {package.Version}: {run.Value.Complaint}; {Fix}");
            }

            string sha256 = await Sha256Async(file, ct).ConfigureAwait(false);
            if (sha256 != package.Sha256)
            {
                return HospesError.Unavailable(
                    $"cannot download {package.Name} {package.Version}: the file has SHA256 {sha256} but the apt index says {package.Sha256}; {Fix}");
            }

            File.Move(file, target, overwrite: true);
            return target;
        }
        finally
        {
            TempDirectory.TryDelete(partial);
        }
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        }
    }
}
