using System.Security.Cryptography;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Tiny.Apt;

/// <summary>
/// Asks the host's apt which package versions are current and fetches their .debs into a cache. Never installs.
/// Each apt-cache run costs about a second (it reads the whole index), so questions are asked in batches.
/// </summary>
internal static class AptClient
{
    private const string Fix = "run ./setup.sh (it runs apt-get update) or check /etc/apt/sources.list";

    /// <summary>The candidate version of a package, from the local index (offline).</summary>
    public static async Task<Result<DebPackage>> ShowAsync(string package, CancellationToken ct)
    {
        Result<IReadOnlyDictionary<string, DebPackage>> shown = await ShowAllAsync([package], ct).ConfigureAwait(false);
        return shown.IsOk ? shown.Value[package] : shown.Error;
    }

    /// <summary>The candidate versions of several packages with one apt-cache run; every one must be known.</summary>
    public static async Task<Result<IReadOnlyDictionary<string, DebPackage>>> ShowAllAsync(IReadOnlyCollection<string> packages, CancellationToken ct)
    {
        Result<ToolOutput> run = await ToolRunner.RunAsync("apt-cache", ["show", "--no-all-versions", .. packages], null, ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        if (!run.Value.Succeeded || run.Value.StandardOutput.Trim().Length == 0)
        {
            string why = run.Value.Succeeded ? "apt knows no installable version of it" : run.Value.Complaint;
            return HospesError.Unavailable($"cannot resolve {string.Join(", ", packages)}: {why}; {Fix}");
        }

        var found = new Dictionary<string, DebPackage>(StringComparer.Ordinal);
        foreach (IReadOnlyDictionary<string, string> fields in DebControl.ParseStanzas(run.Value.StandardOutput))
        {
            if (!fields.TryGetValue("Package", out string? name) || !packages.Contains(name) || found.ContainsKey(name))
            {
                continue;
            }

            if (!fields.TryGetValue("Version", out string? version) || !fields.TryGetValue("SHA256", out string? sha256))
            {
                return HospesError.Unavailable($"cannot resolve {name}: apt-cache show printed no Version or SHA256 field; {Fix}");
            }

            found[name] = new DebPackage
            {
                Name = name,
                Version = version,
                Architecture = fields.TryGetValue("Architecture", out string? arch) ? arch : "amd64",
                Sha256 = sha256.ToLowerInvariant(),
                Depends = fields.TryGetValue("Depends", out string? depends) ? depends : "",
                PreDepends = fields.TryGetValue("Pre-Depends", out string? preDepends) ? preDepends : "",
            };
        }

        // apt-cache succeeds when at least one package is known and only notes the others.
        string[] missing = [.. packages.Where(p => !found.ContainsKey(p))];
        return missing.Length == 0
            ? found
            : HospesError.Unavailable($"cannot resolve {string.Join(", ", missing)}: apt knows no installable version of it; {Fix}");
    }

    /// <summary>Follows a metapackage (linux-image-cloud-amd64) to the versioned package it depends on.</summary>
    public static async Task<Result<DebPackage>> ResolveMetapackageAsync(string metapackage, string dependencyPrefix, CancellationToken ct)
    {
        Result<string> real = await MetapackageTargetAsync(metapackage, dependencyPrefix, ct).ConfigureAwait(false);
        return real.IsOk ? await ShowAsync(real.Value, ct).ConfigureAwait(false) : real.Error;
    }

    /// <summary>The name of the versioned package a metapackage depends on, e.g. linux-image-6.1.0-56-cloud-amd64.</summary>
    public static async Task<Result<string>> MetapackageTargetAsync(string metapackage, string dependencyPrefix, CancellationToken ct)
    {
        Result<DebPackage> meta = await ShowAsync(metapackage, ct).ConfigureAwait(false);
        if (!meta.IsOk)
        {
            return meta.Error;
        }

        string? real = DebControl.DependencyNames(meta.Value.Depends)
            .FirstOrDefault(d => d.StartsWith(dependencyPrefix, StringComparison.Ordinal));
        return real is not null
            ? real
            : HospesError.Unavailable(
                $"cannot resolve {metapackage} {meta.Value.Version}: it depends on no {dependencyPrefix}* package (Depends: {meta.Value.Depends}); {Fix}");
    }

    /// <summary>
    /// The names of the packages <paramref name="package"/> depends on, directly or not (every alternative, no virtual
    /// packages), itself included: what <see cref="ShowAllAsync"/> needs to know to pick the dependencies.
    /// </summary>
    public static async Task<Result<IReadOnlyList<string>>> DependencyNamesAsync(string package, CancellationToken ct)
    {
        Result<ToolOutput> run = await ToolRunner.RunAsync(
            "apt-cache",
            ["depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", package],
            null,
            ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        if (!run.Value.Succeeded)
        {
            return HospesError.Unavailable($"cannot resolve the dependencies of {package}: {run.Value.Complaint}; {Fix}");
        }

        // Packages start at column 0, their relations are indented; <name> is a virtual package.
        return (string[])[.. run.Value.StandardOutput.Split('\n')
            .Where(l => l.Length > 0 && l[0] is not (' ' or '\t' or '<'))
            .Select(l => l.Trim())
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The cached .deb of exactly this version, downloading it first if the cache lacks it or holds a damaged copy.</summary>
    public static async Task<Result<string>> FetchAsync(DebPackage package, string cacheDir, IProgress<string>? progress, CancellationToken ct)
    {
        Result<IReadOnlyList<string>> fetched = await FetchAllAsync([package], cacheDir, progress, ct).ConfigureAwait(false);
        return fetched.IsOk ? fetched.Value[0] : fetched.Error;
    }

    /// <summary>
    /// The cached .debs of exactly these versions, in the same order; those the cache lacks or holds damaged are
    /// downloaded with one apt-get run.
    /// </summary>
    public static async Task<Result<IReadOnlyList<string>>> FetchAllAsync(
        IReadOnlyList<DebPackage> packages, string cacheDir, IProgress<string>? progress, CancellationToken ct)
    {
        var missing = new List<DebPackage>();
        foreach (DebPackage package in packages)
        {
            string cached = Path.Combine(cacheDir, package.FileName);
            if (File.Exists(cached) && await Sha256Async(cached, ct).ConfigureAwait(false) == package.Sha256)
            {
                progress?.Report($"using cached {package.Name} {package.Version}");
            }
            else
            {
                missing.Add(package);
            }
        }

        if (missing.Count > 0)
        {
            HospesError? error = await DownloadAsync(missing, cacheDir, progress, ct).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }
        }

        return packages.Select(p => Path.Combine(cacheDir, p.FileName)).ToList();
    }

    private static async Task<HospesError?> DownloadAsync(
        IReadOnlyList<DebPackage> packages, string cacheDir, IProgress<string>? progress, CancellationToken ct)
    {
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

        string what = string.Join(", ", packages.Select(p => $"{p.Name} {p.Version}"));
        try
        {
            progress?.Report($"downloading {what}");
            List<string> args = ["download", .. packages.Select(p => $"{p.Name}={p.Version}")];
            if (Environment.IsPrivilegedProcess)
            {
                // As root apt would hand the download to user _apt, who cannot write here; it falls back with a warning.
                args.InsertRange(0, ["-o", "APT::Sandbox::User=root"]);
            }

            Result<ToolOutput> run = await ToolRunner.RunAsync("apt-get", args, partial, ct).ConfigureAwait(false);
            if (!run.IsOk)
            {
                return run.Error;
            }

            if (!run.Value.Succeeded)
            {
                return HospesError.Unavailable($"cannot download {what}: {run.Value.Complaint}; {Fix}");
            }

            foreach (DebPackage package in packages)
            {
                string file = Path.Combine(partial, package.FileName);
                if (!File.Exists(file))
                {
                    return HospesError.Unavailable($"cannot download {package.Name} {package.Version}: apt-get saved no {package.FileName}; {Fix}");
                }

                string sha256 = await Sha256Async(file, ct).ConfigureAwait(false);
                if (sha256 != package.Sha256)
                {
                    return HospesError.Unavailable(
                        $"cannot download {package.Name} {package.Version}: the file has SHA256 {sha256} but the apt index says {package.Sha256}; {Fix}");
                }
            }

            foreach (DebPackage package in packages)
            {
                File.Move(Path.Combine(partial, package.FileName), Path.Combine(cacheDir, package.FileName), overwrite: true);
            }

            return null;
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
