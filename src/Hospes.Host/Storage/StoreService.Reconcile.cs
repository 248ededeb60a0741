using Hospes.Host.State;
namespace Hospes.Host.Storage;

internal sealed partial class StoreService
{
    /// <summary>
    /// Run once at start, after the VMs are loaded: removes what a killed hospesd left half-made (partial
    /// folders, folders of VMs or templates whose row never landed, disk files without a row), so every file
    /// in the store has its row. Rows whose file is missing are kept and reported by `disk check`.
    /// </summary>
    public void Reconcile()
    {
        Layout.CreateFolders();
        var repairs = new List<string>();
        IReadOnlyList<VolumeRecord> all = _store.All();
        var known = all.Select(v => v.Path).ToHashSet(StringComparer.Ordinal);
        var vms = _vms.All.Select(a => a.Record.Uuid.ToString()).ToHashSet(StringComparer.Ordinal);
        var templates = _store.Templates().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        foreach (string dir in Dirs(Layout.ImagesDir).Concat(Dirs(Layout.TemplatesDir)).Where(d => d.EndsWith(StoreLayout.PartialSuffix, StringComparison.Ordinal)))
        {
            Remove(dir, "a folder left half-made");
        }

        foreach (string dir in Dirs(Layout.TemplatesDir).Where(d => !templates.Contains(Path.GetFileName(d))))
        {
            Remove(dir, "a template whose creation did not finish");
        }

        foreach (string dir in Dirs(Layout.ImagesDir).Where(d => !File.Exists(Path.Combine(d, "image.json"))
                     && Directory.EnumerateFiles(d).All(f => !known.Contains(f))))
        {
            Remove(dir, "an image whose import did not finish");
        }

        foreach (string dir in Dirs(_store.Layout.Options.VmsDir).Where(d => !vms.Contains(Path.GetFileName(d))))
        {
            Remove(dir, "the folder of a VM whose definition did not finish (e.g. a clone cut off)");
        }

        foreach (string file in FindOrphanFiles(_store.All()))
        {
            Remove(file, "a disk file without its row");
        }

        Repairs = repairs;

        void Remove(string path, string why)
        {
            DeleteQuietly(path);
            repairs.Add($"removed {path}: {why}");
        }
    }

    private static IEnumerable<string> Dirs(string dir) => Directory.Exists(dir) ? [.. Directory.EnumerateDirectories(dir)] : [];
}
