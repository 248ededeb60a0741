using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

/// <summary>
/// `hospes disk check`: each volume's file exists, qemu-img check is clean, overlays point at their
/// backing volume, and read-only bases still have the checksum they were made with.
/// </summary>
internal sealed class StoreCheck(VolumeStore store, IVmDirectory vms, IQemuImg img, StoreRepair repair)
{
    /// <summary>Checks the volume named <paramref name="name"/>, or all of them (then files no row names count too).</summary>
    public async Task<Result<StoreCheckResult>> CheckAsync(string? name, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        IReadOnlyList<VolumeRecord> targets = all;
        if (name is not null)
        {
            Result<VolumeRecord> one = VolumeStore.Resolve(name, all);
            if (!one.IsOk)
            {
                return one.Error;
            }

            targets = [one.Value];
        }

        var checks = new List<VolumeCheckResult>();
        foreach (VolumeRecord v in targets)
        {
            checks.Add(await CheckOneAsync(v, all, ct).ConfigureAwait(false));
        }

        var orphans = new List<string>();
        if (name is null)
        {
            orphans.AddRange(store.Layout.OrphanFiles(StoreRepair.KnownFiles(store, vms)).Select(f => $"{f}: a file in the store that no volume row names"));
        }

        IEnumerable<string> kept = repair.LostAndFound.EarlierRuns()
            .Select(d => $"{d} holds what an earlier start of hospesd found in the store and could not match; delete it once you are sure nothing in it is needed");
        return new StoreCheckResult(checks, [.. repair.Repairs, .. kept, .. orphans], checks.All(c => c.Ok) && orphans.Count == 0);
    }

    private async Task<VolumeCheckResult> CheckOneAsync(VolumeRecord v, IReadOnlyList<VolumeRecord> all, CancellationToken ct)
    {
        var problems = new List<string>();
        if (!File.Exists(v.Path))
        {
            problems.Add($"{v.Path} is missing");
        }
        else if (vms.RunningOn(v.Path) is { } user)
        {
            // A running QEMU holds the image's write lock, and its metadata is in flux: qemu-img check would be refused or wrong.
            return new VolumeCheckResult(v, [], $"in use by running VM {user.Record.Name}: qemu-img check skipped; check it while the VM is stopped");
        }
        else
        {
            if (v.Format == "qcow2")
            {
                await CheckImageAsync(v, all, problems, ct).ConfigureAwait(false);
            }

            if (v.Checksum is { } expected && await StoreFiles.Sha256Async(v.Path, ct).ConfigureAwait(false) is var actual && actual != expected)
            {
                problems.Add($"the read-only base changed since it was made (sha256 {actual[..12]}…, was {expected[..12]}…)");
            }
        }

        if (v.Kind == VolumeKind.VmDisk && v.Vm is { } vm && !vms.Find(vm.ToString()).IsOk)
        {
            problems.Add($"its VM {vm} no longer exists");
        }

        return new VolumeCheckResult(v, problems);
    }

    /// <summary>qemu-img check is clean, and the overlay's backing file is the volume the store has it on.</summary>
    private async Task CheckImageAsync(VolumeRecord v, IReadOnlyList<VolumeRecord> all, List<string> problems, CancellationToken ct)
    {
        Result<CheckResult> check = await img.CheckAsync(v.Path, v.Format, ct).ConfigureAwait(false);
        if (!check.IsOk)
        {
            problems.Add(check.Error.Message);
        }
        else if (!check.Value.Clean)
        {
            problems.Add($"qemu-img check: {check.Value.Summary}");
        }

        Result<ImageFileInfo> info = await img.InfoAsync(v.Path, v.Format, ct).ConfigureAwait(false);
        VolumeRecord? backing = v.BackingId is { } b ? all.FirstOrDefault(x => x.Id == b) : null;
        if (info.IsOk && backing is not null && (info.Value.FullBackingFile ?? info.Value.BackingFile) != backing.Path)
        {
            problems.Add($"its backing file is {info.Value.FullBackingFile ?? info.Value.BackingFile ?? "none"}, the store expects {backing.Path}");
        }
    }
}
