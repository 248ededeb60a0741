using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

internal sealed partial class StoreService
{
    /// <summary>
    /// `hospes disk check`: each volume's file exists, qemu-img check is clean, overlays point at their
    /// backing volume, and read-only bases still have the checksum they were made with.
    /// </summary>
    public async Task<Result<StoreCheckReport>> CheckAsync(string? name, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = _store.All();
        IReadOnlyList<VolumeRecord> targets = all;
        if (name is not null)
        {
            Result<VolumeRecord> one = Resolve(name, all);
            if (!one.IsOk)
            {
                return one.Error;
            }

            targets = [one.Value];
        }

        var checks = new List<VolumeCheck>();
        foreach (VolumeRecord v in targets)
        {
            checks.Add(await CheckOneAsync(v, all, ct).ConfigureAwait(false));
        }

        var orphans = new List<string>();
        if (name is null)
        {
            orphans.AddRange(FindOrphanFiles(all).Select(f => $"{f}: a file in the store that no volume row names"));
        }

        return new StoreCheckReport
        {
            Volumes = checks,
            Repairs = [.. Repairs, .. orphans],
            Ok = checks.All(c => c.Ok) && orphans.Count == 0,
        };
    }

    private async Task<VolumeCheck> CheckOneAsync(VolumeRecord v, IReadOnlyList<VolumeRecord> all, CancellationToken ct)
    {
        var problems = new List<string>();
        if (!File.Exists(v.Path))
        {
            problems.Add($"{v.Path} is missing");
        }
        else if (RunningUser(v.Path) is { } user)
        {
            // A running QEMU holds the image's write lock, and its metadata is in flux: qemu-img check would be refused or wrong.
            return new VolumeCheck
            {
                Name = v.Name,
                Kind = VolumeStore.KindName(v.Kind),
                Path = v.Path,
                Ok = true,
                Problems = [],
                Note = $"in use by running VM {user.Record.Name}: qemu-img check skipped; check it while the VM is stopped",
            };
        }
        else
        {
            if (v.Format == "qcow2")
            {
                Result<CheckResult> check = await _img.CheckAsync(v.Path, ct).ConfigureAwait(false);
                if (!check.IsOk)
                {
                    problems.Add(check.Error.Message);
                }
                else if (!check.Value.Clean)
                {
                    problems.Add($"qemu-img check: {check.Value.Summary}");
                }

                Result<ImageFileInfo> info = await _img.InfoAsync(v.Path, ct).ConfigureAwait(false);
                VolumeRecord? backing = v.BackingId is { } b ? all.FirstOrDefault(x => x.Id == b) : null;
                if (info.IsOk && backing is not null && (info.Value.FullBackingFile ?? info.Value.BackingFile) != backing.Path)
                {
                    problems.Add($"its backing file is {info.Value.FullBackingFile ?? info.Value.BackingFile ?? "none"}, the store expects {backing.Path}");
                }
            }

            if (v.Checksum is { } expected && await Sha256Async(v.Path, ct).ConfigureAwait(false) is var actual && actual != expected)
            {
                problems.Add($"the read-only base changed since it was made (sha256 {actual[..12]}…, was {expected[..12]}…)");
            }
        }

        if (v.Kind == VolumeKind.VmDisk && v.Vm is { } vm && Vm(vm) is null)
        {
            problems.Add($"its VM {vm} no longer exists");
        }

        return new VolumeCheck
        {
            Name = v.Name,
            Kind = VolumeStore.KindName(v.Kind),
            Path = v.Path,
            Ok = problems.Count == 0,
            Problems = problems,
        };
    }

    /// <summary>Disk files in folders the store owns that no row names.</summary>
    private IEnumerable<string> FindOrphanFiles(IReadOnlyList<VolumeRecord> all)
    {
        var known = all.Select(v => v.Path).ToHashSet(StringComparer.Ordinal);
        IEnumerable<string> candidates = Files(Layout.DisksDir, "*")
            .Concat(Files(Layout.TemplatesDir, "*.qcow2", SearchOption.AllDirectories))
            .Concat(Files(_store.Layout.Options.VmsDir, "*.qcow2", SearchOption.AllDirectories).Where(f => f.Contains("/disks/", StringComparison.Ordinal)));
        return candidates.Where(f => !known.Contains(f));
    }

    private static IEnumerable<string> Files(string dir, string pattern, SearchOption option = SearchOption.TopDirectoryOnly) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern, option) : [];
}
