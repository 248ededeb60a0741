using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Storage.Bootloader;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

/// <summary>
/// Run at every start of hospesd. Before the VMs are loaded (<see cref="PrepareAsync"/>): stops FUSE exports a killed
/// boot-loader run left, and re-points overlays at their backing volumes when the state dir was moved. After
/// (<see cref="RunAsync"/>): what a killed hospesd left half-made (partial folders, folders of VMs or templates whose row
/// never landed, disk files without a row) is moved to lost+found, so every file left in the store has its row. Nothing
/// is deleted: what cannot be matched may be a user's data. A step that fails is reported and the start goes on.
/// </summary>
internal sealed class StoreRepair(VolumeStore store, IVmDirectory vms, IQemuImg img)
{
    private readonly List<string> _repairs = [];

    /// <summary>What this start of hospesd found and did (or could not do), one line each.</summary>
    public IReadOnlyList<string> Repairs => [.. _repairs];

    public LostAndFound LostAndFound { get; } = new(store.Layout, store.Time);

    public async Task PrepareAsync(CancellationToken ct)
    {
        await StepAsync("stopping the FUSE exports a killed boot loader left", async () =>
            _repairs.AddRange(await BootExportCleanup.StopUnderAsync(store.Layout.Options.VmsDir).ConfigureAwait(false))).ConfigureAwait(false);
        await StepAsync("re-pointing overlays after a move of the state dir", () => RelocateAsync(ct)).ConfigureAwait(false);
    }

    public Task RunAsync(CancellationToken ct) => StepAsync("moving what no row names to lost+found", () => KeepUnmatchedAsync(ct));

    /// <summary>Every file the store's rows, the VMs and the templates name: what a repair must leave where it is.</summary>
    public static HashSet<string> KnownFiles(VolumeStore store, IVmDirectory vms) =>
        store.All().Select(v => v.Path)
            .Concat(vms.All.SelectMany(a => a.Record.Spec.Disks.Select(d => d.Target)))
            .Concat(store.Templates().SelectMany(t => t.Spec.Disks.Select(d => d.Target)))
            .Where(p => p.Length > 0)
            .ToHashSet(StringComparer.Ordinal);

    private async Task StepAsync(string what, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _repairs.Add($"{what} failed: {e.Message}; hospesd started without it; fix the cause, then restart hospesd to repeat it");
        }
    }

    /// <summary>
    /// Overlays name their backing file by its absolute path. After a move of the state dir those names point at the old
    /// place: each overlay of the store is re-pointed at its backing volume here (an unsafe rebase only rewrites the name).
    /// </summary>
    private async Task RelocateAsync(CancellationToken ct)
    {
        string now = store.Db.Paths.Root;
        string? was = store.Db.RecordedStateDir();
        if (was == now)
        {
            return;
        }

        IReadOnlyList<VolumeRecord> all = store.All();
        var failed = new List<string>();
        int repointed = 0;
        foreach (VolumeRecord v in was is null ? [] : all.Where(v => v.BackingId is not null && File.Exists(v.Path)))
        {
            if (all.FirstOrDefault(x => x.Id == v.BackingId) is not { } backing)
            {
                continue;
            }

            Result<bool> done = await RepointAsync(v, backing, ct).ConfigureAwait(false);
            if (done.IsOk)
            {
                repointed++;
            }
            else
            {
                failed.Add(done.Error.Message);
            }
        }

        if (was is null)
        {
            store.Db.RecordStateDir();
            return;
        }

        if (failed.Count == 0)
        {
            store.Db.RecordStateDir();
        }

        _repairs.Add($"the state dir was {was}, now {now}: re-pointed {repointed} overlay(s) at their backing volumes here"
            + (failed.Count == 0 ? "" : $"; {failed.Count} could not be re-pointed and are tried again at the next start: {string.Join("; ", failed)}"));
    }

    private async Task<Result<bool>> RepointAsync(VolumeRecord v, VolumeRecord backing, CancellationToken ct)
    {
        bool sealedBase = v.Kind is VolumeKind.Image or VolumeKind.Template;
        if (sealedBase)
        {
            File.SetUnixFileMode(v.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Result<bool> rebased;
        try
        {
            rebased = await img.RebaseAsync(v.Path, backing.Path, backing.Format, unsafeRebase: true, ct).ConfigureAwait(false);
        }
        finally
        {
            if (sealedBase)
            {
                StoreFiles.MakeReadOnly(v.Path);
            }
        }

        if (rebased.IsOk && v.Checksum is not null)
        {
            // The backing file's name is part of the sealed file: its checksum is the one of the re-pointed file now.
            string checksum = await StoreFiles.Sha256Async(v.Path, ct).ConfigureAwait(false);
            store.Db.InTransaction(t => t.UpdateVolume(v with { Checksum = checksum }));
        }

        return rebased;
    }

    private async Task KeepUnmatchedAsync(CancellationToken ct)
    {
        StoreLayout layout = store.Layout;
        layout.CreateFolders();
        HashSet<string> known = KnownFiles(store, vms);
        var defined = vms.All.Select(a => a.Record.Uuid.ToString()).ToHashSet(StringComparer.Ordinal);
        var templates = store.Templates().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        bool Holds(string dir) => Directory.EnumerateFiles(dir).Any(known.Contains);

        foreach (string dir in StoreFiles.Dirs(layout.ImagesDir).Where(d => !File.Exists(Path.Combine(d, "image.json")) && !Holds(d)))
        {
            ct.ThrowIfCancellationRequested();
            await KeepAsync(dir, Path.GetFileName(dir).StartsWith('.')
                ? "the work folder of an image build cut off before it finished (what it had mounted is unmounted first)"
                : "an image whose import or build did not finish").ConfigureAwait(false);
        }

        foreach (string dir in StoreFiles.Dirs(layout.TemplatesDir).Where(d => !templates.Contains(Path.GetFileName(d)) && !Holds(d)))
        {
            await KeepAsync(dir, "a template whose creation did not finish").ConfigureAwait(false);
        }

        foreach (string dir in StoreFiles.Dirs(layout.Options.VmsDir).Where(d => !defined.Contains(Path.GetFileName(d))))
        {
            await KeepAsync(dir, "the folder of a VM whose definition did not finish (e.g. a clone cut off)").ConfigureAwait(false);
        }

        foreach (string file in layout.OrphanFiles(known).ToList())
        {
            await KeepAsync(file, "a disk file that no volume row and no VM names").ConfigureAwait(false);
        }
    }

    private async Task KeepAsync(string path, string why)
    {
        (string? movedTo, string? problem) = await LostAndFound.KeepAsync(path).ConfigureAwait(false);
        _repairs.Add(movedTo is not null
            ? $"moved {path} to {movedTo}: {why}; delete it there once you are sure nothing in it is needed"
            : $"left {path} where it is ({why}): {problem}");
    }
}
