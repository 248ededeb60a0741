using Hospes.Host.Settings;

namespace Hospes.Host.Storage;

/// <summary>Where the store keeps its files: a folder per image, per template and per VM under the state dir.</summary>
internal sealed record StoreLayout(HostOptions Options)
{
    /// <summary>Suffix of a folder being made; no name a user gives may end in it.</summary>
    public const string PartialSuffix = ".partial";

    public string ImagesDir => Options.ImagesDir;

    public string TemplatesDir => StateModes.Templates(Options);

    public string DisksDir => StateModes.Disks(Options);

    public string ImageDir(string name) => Path.Combine(ImagesDir, name);

    public string TemplateDir(string name) => Path.Combine(TemplatesDir, name);

    public string DiskPath(string name, string format) => Path.Combine(DisksDir, $"{name}.{format}");

    /// <summary>Writable disks' states at fork points (issue 16): a folder per fork.</summary>
    public string ForkBasesDir => Path.Combine(Options.StateDir, "forks");

    public string ForkBaseDir(Guid fork) => Path.Combine(ForkBasesDir, fork.ToString("N"));

    public string VmDisksDir(Guid vm) => Path.Combine(Options.VmsDir, vm.ToString(), "disks");

    public string VmDiskPath(Guid vm, string vdev) => Path.Combine(VmDisksDir(vm), $"{vdev}.qcow2");

    /// <summary>Disk files in folders the store owns that are not <paramref name="known"/>.</summary>
    public IEnumerable<string> OrphanFiles(IReadOnlySet<string> known)
    {
        IEnumerable<string> candidates = StoreFiles.Files(DisksDir, "*")
            .Concat(StoreFiles.Files(TemplatesDir, "*.qcow2", SearchOption.AllDirectories))
            .Concat(StoreFiles.Files(ForkBasesDir, "*.qcow2", SearchOption.AllDirectories))
            .Concat(StoreFiles.Files(Options.VmsDir, "*.qcow2", SearchOption.AllDirectories).Where(f => f.Contains("/disks/", StringComparison.Ordinal)));
        return candidates.Where(f => !known.Contains(f));
    }

    public void CreateFolders()
    {
        StateModes.CreatePrivate(TemplatesDir);
        StateModes.CreatePrivate(DisksDir);
    }
}
