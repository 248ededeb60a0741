using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;
using Hospes.Core.Files;

namespace Hospes.Host.Storage;

/// <summary>`hospes template`: read-only copies of a stopped VM's disks and its spec, for clones to start from.</summary>
internal sealed partial class TemplateService(VolumeStore store, IVmDirectory vms, IQemuImg img)
{
    public IReadOnlyList<TemplateView> List()
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        return [.. store.Templates().Select(t => ViewOf(t, all)), .. vms.All.Where(v => IsFrozen(v.Record)).Select(v => RunningView(v.Record, all))];
    }

    public Result<TemplateView> Get(string name)
    {
        Result<TemplateRecord> t = store.FindTemplate(name);
        if (!t.IsOk && vms.All.FirstOrDefault(v => v.Record.Name == name && IsFrozen(v.Record)) is { } running)
        {
            return RunningView(running.Record, store.All());
        }

        return t.IsOk ? ViewOf(t.Value, store.All()) : t.Error;
    }

    /// <summary>
    /// A template of running state (issue 16): a VM frozen at a fork point (saved in the fork's state, naming its RAM
    /// file). It is a VM: `hospes delete` removes it, `hospes start` continues it, `clone --instant` forks it.
    /// </summary>
    private static bool IsFrozen(VmRecord r) =>
        r.State == Core.Vms.VmState.Saved && r.RamFile is { } ram && Path.GetFileName(ram) == "ram"
        && Path.GetFileName(Path.GetDirectoryName(ram))?.StartsWith("fork-", StringComparison.Ordinal) == true
        && r.SavePath == Path.Combine(Path.GetDirectoryName(ram)!, "state");

    private TemplateView RunningView(VmRecord r, IReadOnlyList<VolumeRecord> all) => new(
        new TemplateRecord { Name = r.Name, Spec = r.Spec, Project = r.Project, CreatedAt = r.StartedAt ?? default },
        [.. all.Where(v => v.Vm == r.Uuid).Select(v => VolumeView.Of(v, all, vms))],
        [.. vms.All.Where(v => v.Record.Uuid != r.Uuid && v.Record.RamFile == r.RamFile).Select(v => v.Record.Name).Order(StringComparer.Ordinal)],
        Running: true);

    /// <summary>
    /// `hospes template create VM --name T`: copies the stopped VM's writable disks into read-only bases
    /// (an overlay keeps its backing image, anything else becomes a standalone qcow2) and keeps the VM's
    /// spec for the clones. The VM itself is not changed.
    /// </summary>
    /// <param name="project">The template's project, which must be its VM's (a template does not move a VM's disks into another project); null: the VM's.</param>
    public async Task<Result<TemplateView>> CreateAsync(string vmName, string name, CancellationToken ct, string? project = null)
    {
        Result<string> valid = VolumeStore.ValidName(name, "template");
        if (!valid.IsOk)
        {
            return valid.Error;
        }

        Result<IVm> found = vms.Find(vmName);
        if (!found.IsOk)
        {
            return found.Error;
        }

        IVm vm = found.Value;
        if (project is not null && vm.Record.Project != project)
        {
            return HospesError.NotFound($"no VM {vmName} in project {project}; a template is made in its VM's project ({vm.Record.Project}): give --project {vm.Record.Project}");
        }

        if (VmTransitions.Check(VmAction.MakeTemplate, new VmSubject(vm.Record.Name, vm.Record.State, vm.Pid is not null)) is { } refused)
        {
            return refused;
        }

        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (store.Templates().Any(t => t.Name == name))
            {
                return HospesError.Conflict($"a template named '{name}' already exists; choose another --name or `hospes template delete {name}`");
            }

            return await CopyIntoTemplateAsync(vm.Record.Spec, name, project ?? vm.Record.Project, ct).ConfigureAwait(false);
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>Deletes a template no linked clone stands on; answers it as it was.</summary>
    public async Task<Result<TemplateView>> DeleteAsync(string name, CancellationToken ct)
    {
        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Result<TemplateRecord> t = store.FindTemplate(name);
            if (!t.IsOk && vms.All.Any(v => v.Record.Name == name && IsFrozen(v.Record)))
            {
                return HospesError.State($"template {name} is a running template, a VM frozen at a fork point: `hospes delete {name}` deletes it (its forks run on); nothing was deleted");
            }

            if (!t.IsOk)
            {
                return t.Error;
            }

            IReadOnlyList<VolumeRecord> all = store.All();
            TemplateView view = ViewOf(t.Value, all);
            if (view.Clones.Count > 0)
            {
                return HospesError.State($"cannot delete template {name}: {view.Clones.Count} VM(s) are linked clones of it: {string.Join(", ", view.Clones)}; delete them first (full clones made with --full do not count)");
            }

            DeleteLocked(name, all);
            return view;
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>Deletes template <paramref name="name"/>'s rows and folder; the caller holds the store gate and checked its clones.</summary>
    private void DeleteLocked(string name, IReadOnlyList<VolumeRecord> all)
    {
        var mine = all.Where(v => v.Kind == VolumeKind.Template && v.Template == name).ToList();
        store.Db.InTransaction(tx =>
        {
            foreach (VolumeRecord v in mine)
            {
                tx.DeleteVolume(v.Id);
            }

            tx.DeleteTemplate(name);
        });
        StoreFiles.DeleteQuietly(store.Layout.TemplateDir(name));
    }

    private async Task<Result<TemplateView>> CopyIntoTemplateAsync(VmSpec source, string name, string project, CancellationToken ct)
    {
        IReadOnlyList<VolumeRecord> all = store.All();
        string final = store.Layout.TemplateDir(name);
        string partial = final + StoreLayout.PartialSuffix;
        await using var revert = new Reverter();
        StoreFiles.DeleteQuietly(partial);
        Directory.CreateDirectory(partial);
        revert.Add(() => StoreFiles.DeleteQuietly(partial));

        var disks = new List<DiskSpec>();
        var rows = new List<VolumeRecord>();
        foreach (DiskSpec d in source.Disks)
        {
            if (d.Source == DiskProvisioner.SeedSource)
            {
                continue; // each clone gets a seed of its own
            }

            if (!StoreVms.IsWritableDisk(d))
            {
                disks.Add(d); // cdroms and read-only disks are shared as they are
                continue;
            }

            string file = $"{d.Vdev}.qcow2";
            VolumeRecord? owned = all.FirstOrDefault(v => v.Path == d.Target);
            VolumeRecord? backing = owned?.BackingId is { } b ? all.FirstOrDefault(v => v.Id == b) : null;
            Result<bool> copied = backing is not null
                ? await CopyOverlayAsync(d.Target, Path.Combine(partial, file), ct).ConfigureAwait(false)
                : await img.ConvertAsync(d.Target, d.Format, Path.Combine(partial, file), "qcow2", ct).ConfigureAwait(false);
            if (!copied.IsOk)
            {
                return HospesError.Unavailable($"cannot make template {name} from disk {d.Vdev} ({d.Target}): {copied.Error.Message}");
            }

            StoreFiles.MakeReadOnly(Path.Combine(partial, file));
            rows.Add(new VolumeRecord
            {
                Kind = VolumeKind.Template,
                Project = project,
                Name = $"{name}/{d.Vdev}",
                Path = Path.Combine(final, file),
                Format = "qcow2",
                VirtualSize = owned?.VirtualSize ?? await VirtualSizeAsync(d.Target, d.Format, ct).ConfigureAwait(false),
                BackingId = backing?.Id,
                Template = name,
                Checksum = await StoreFiles.Sha256Async(Path.Combine(partial, file), ct).ConfigureAwait(false),
                CreatedAt = store.Time.GetUtcNow(),
            });
            disks.Add(d with { Target = Path.Combine(final, file), Format = "qcow2", ReadOnly = false });
        }

        var record = new TemplateRecord
        {
            Name = name,
            Spec = source with
            {
                Name = name,
                Uuid = Guid.Empty,
                Disks = disks,
                Vifs = [.. source.Vifs.Select(v => v with { Mac = null, Ip = null })],
                SourcePath = null,
            },
            SourceVm = source.Name,
            Project = project,
            ReadyMarker = ReadyMarkerOf(source),
            CreatedAt = store.Time.GetUtcNow(),
        };

        DurableFiles.MoveDirectory(partial, final);
        revert.Add(() => StoreFiles.DeleteQuietly(final));
        bool inserted = store.Db.InTransaction(tx => InsertRows(tx, record, rows, "the state DB"));
        if (!inserted)
        {
            return HospesError.Conflict($"a template named '{name}' already exists");
        }

        revert.Commit();
        return ViewOf(record, store.All());
    }

    /// <summary>
    /// Inserts a template's row and its disks' rows in <paramref name="tx"/>: false when a template of that name is
    /// there; a volume row at a path already held throws a conflict naming <paramref name="db"/> (the transaction rolls back).
    /// </summary>
    private static bool InsertRows(StateTransaction tx, TemplateRecord record, IEnumerable<VolumeRecord> rows, string db)
    {
        if (!tx.TryInsertTemplate(record))
        {
            return false;
        }

        foreach (VolumeRecord row in rows)
        {
            if (tx.TryInsertVolume(row) is null)
            {
                throw new HospesException(HospesError.Conflict($"{db} already holds a volume at {row.Path}"));
            }
        }

        return true;
    }

    /// <summary>Copies an overlay file as it is, so the copy keeps its (absolute) backing file.</summary>
    private static async Task<Result<bool>> CopyOverlayAsync(string from, string to, CancellationToken ct)
    {
        try
        {
            await using FileStream src = File.OpenRead(from);
            await using FileStream dst = File.Create(to);
            await src.CopyToAsync(dst, ct).ConfigureAwait(false);
            return true;
        }
        catch (IOException e)
        {
            return HospesError.Unavailable($"copying {from} to {to}: {e.Message}");
        }
    }

    private async Task<long> VirtualSizeAsync(string path, string format, CancellationToken ct)
    {
        var info = await img.InfoAsync(path, format, ct).ConfigureAwait(false);
        return info.IsOk ? info.Value.VirtualSize : 0;
    }

    /// <summary>
    /// What the guest is known to print once it is up: the tiny guest's HOSPES-READY, the login prompt a Hospes Debian
    /// image names in its image.json. Any other guest has no known marker (null: its clones are ready once running, or
    /// `clone --ready-marker` says what to wait for) — a guess such as "login:" for any guest stalls clone --start on
    /// a guest that never prints it (finding: clone --start readiness).
    /// </summary>
    private string? ReadyMarkerOf(VmSpec spec)
    {
        if (spec.Kernel == "image:tiny" || spec.Kernel?.Contains("/images/tiny/", StringComparison.Ordinal) == true)
        {
            return Hospes.Storage.Tiny.TinyGuest.ReadyMarker;
        }

        string? dir = spec.Kernel switch
        {
            null or "" => null,
            { } k when k.StartsWith("image:", StringComparison.Ordinal) => store.Layout.ImageDir(k["image:".Length..]),
            { } k when Path.IsPathRooted(k) => Path.GetDirectoryName(k),
            _ => null,
        };
        string? manifest = dir is null ? null : Path.Combine(dir, Hospes.Storage.Debian.DebianGuest.ManifestFileName);
        if (manifest is null || !File.Exists(manifest))
        {
            return null;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
            System.Text.Json.JsonElement root = json.RootElement;
            return root.ValueKind == System.Text.Json.JsonValueKind.Object
                && root.TryGetProperty("kind", out System.Text.Json.JsonElement kind) && kind.ValueEquals(Hospes.Storage.Debian.DebianGuest.ImageKind)
                && root.TryGetProperty("login_prompt", out System.Text.Json.JsonElement prompt) && prompt.ValueKind == System.Text.Json.JsonValueKind.String
                && prompt.GetString() is { Length: > 0 } p
                ? p
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private TemplateView ViewOf(TemplateRecord t, IReadOnlyList<VolumeRecord> all)
    {
        var mine = all.Where(v => v.Kind == VolumeKind.Template && v.Template == t.Name).ToList();
        var ids = mine.Select(v => v.Id).ToHashSet();
        return new TemplateView(
            t,
            [.. mine.Select(v => VolumeView.Of(v, all, vms))],
            [.. all.Where(v => v.BackingId is { } b && ids.Contains(b) && v.Vm is not null)
                .Select(v => vms.NameOf(v.Vm!.Value)).Distinct().Order(StringComparer.Ordinal)],
            CopiedFrom: TemplateCopyOrigin.Read(store.Layout.TemplateDir(t.Name)));
    }
}
