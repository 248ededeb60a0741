using Hospes.Host.Machine;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>
/// Run once at start, after the VMs are loaded: removes what a killed hospesd left half-made (partial
/// folders, folders of VMs or templates whose row never landed, disk files without a row), so every file
/// in the store has its row. Rows whose file is missing are kept and reported by `disk check`.
/// </summary>
internal sealed class StoreRepair(VolumeStore store, IVmDirectory vms)
{
    /// <summary>What the last start of hospesd found half-made and removed.</summary>
    public IReadOnlyList<string> Repairs { get; private set; } = [];

    public void Run()
    {
        StoreLayout layout = store.Layout;
        layout.CreateFolders();
        var repairs = new List<string>();
        IReadOnlyList<VolumeRecord> all = store.All();
        var known = all.Select(v => v.Path).ToHashSet(StringComparer.Ordinal);
        var defined = vms.All.Select(a => a.Record.Uuid.ToString()).ToHashSet(StringComparer.Ordinal);
        var templates = store.Templates().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        foreach (string dir in StoreFiles.Dirs(layout.ImagesDir).Concat(StoreFiles.Dirs(layout.TemplatesDir)).Where(d => d.EndsWith(StoreLayout.PartialSuffix, StringComparison.Ordinal)))
        {
            Remove(dir, "a folder left half-made");
        }

        foreach (string dir in StoreFiles.Dirs(layout.TemplatesDir).Where(d => !templates.Contains(Path.GetFileName(d))))
        {
            Remove(dir, "a template whose creation did not finish");
        }

        foreach (string dir in StoreFiles.Dirs(layout.ImagesDir).Where(d => !File.Exists(Path.Combine(d, "image.json"))
                     && Directory.EnumerateFiles(d).All(f => !known.Contains(f))))
        {
            Remove(dir, "an image whose import did not finish");
        }

        foreach (string dir in StoreFiles.Dirs(layout.Options.VmsDir).Where(d => !defined.Contains(Path.GetFileName(d))))
        {
            Remove(dir, "the folder of a VM whose definition did not finish (e.g. a clone cut off)");
        }

        foreach (string file in layout.OrphanFiles(store.All()))
        {
            Remove(file, "a disk file without its row");
        }

        Repairs = repairs;

        void Remove(string path, string why)
        {
            StoreFiles.DeleteQuietly(path);
            repairs.Add($"removed {path}: {why}");
        }
    }
}
