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
        _ => "vm-disk",
    };

    public void Dispose() => Gate.Dispose();
}
