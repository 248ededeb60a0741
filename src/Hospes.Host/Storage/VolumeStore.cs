using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>
/// The store's rows: reads go to the state DB (it is small and hospesd its only writer); changes that
/// create or remove names hold <see cref="Gate"/> so two requests cannot take the same name.
/// </summary>
internal sealed class VolumeStore(StateDb db, StoreLayout layout, TimeProvider time) : IDisposable
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public StateDb Db => db;

    public StoreLayout Layout => layout;

    public TimeProvider Time => time;

    public IReadOnlyList<VolumeRecord> All() => db.LoadVolumes();

    public IReadOnlyList<TemplateRecord> Templates() => db.LoadTemplates();

    public VolumeRecord? Find(VolumeKind kind, string name) => All().FirstOrDefault(v => v.Kind == kind && v.Name == name);

    public VolumeRecord? ByPath(string path) => All().FirstOrDefault(v => v.Path == path);

    public Result<TemplateRecord> FindTemplate(string name) =>
        Templates().FirstOrDefault(t => t.Name == name) is { } t
            ? t
            : HospesError.NotFound($"no template named '{name}'; `hospes template list` shows them, `hospes template create VM --name {name}` makes one");

    /// <summary>Volumes whose backing file is <paramref name="id"/>, directly.</summary>
    public IReadOnlyList<VolumeRecord> Dependents(long id) => [.. All().Where(v => v.BackingId == id)];

    public static string KindName(VolumeKind kind) => kind switch
    {
        VolumeKind.Image => "image",
        VolumeKind.Template => "template",
        VolumeKind.Disk => "disk",
        VolumeKind.ForkBase => "fork-base",
        _ => "vm-disk",
    };

    /// <summary>A volume as messages and listings name it: "kind:name".</summary>
    public static string Handle(VolumeRecord v) => $"{KindName(v.Kind)}:{v.Name}";

    /// <summary>Finds a volume by name: a disk, an image, "TEMPLATE/vdev" or "VM/vdev".</summary>
    public static Result<VolumeRecord> Resolve(string name, IReadOnlyList<VolumeRecord> all)
    {
        VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Disk && x.Name == name)
            ?? all.FirstOrDefault(x => x.Kind == VolumeKind.Image && x.Name == name)
            ?? all.FirstOrDefault(x => x.Kind is VolumeKind.VmDisk or VolumeKind.Template && x.Name == name);
        return v is null
            ? HospesError.NotFound($"no disk or image named '{name}'; `hospes disk list` shows them (a VM's disks are named VM/vdev, a template's TEMPLATE/vdev)")
            : v;
    }

    /// <summary>Names of disks, images and templates follow the rules of VM names, and are not names Hospes keeps for itself.</summary>
    public static Result<string> ValidName(string name, string what) =>
        (Core.Vms.VmName.Validate(name) ?? ReservedProblem(name)) is { } problem ? HospesError.Invalid($"{what} name '{name}' is not valid: {problem}") : name;

    /// <summary>Why a name valid for a VM cannot name something in the store; null when it can.</summary>
    public static string? ReservedProblem(string name) =>
        name.EndsWith(StoreLayout.PartialSuffix, StringComparison.Ordinal)
            ? $"names ending in '{StoreLayout.PartialSuffix}' are kept for what Hospes is still making; choose another name"
            : null;

    public void Dispose() => Gate.Dispose();
}
