using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Edge;

/// <summary>The store as the API shows it: disks, image imports, templates, clones and snapshots, wire in, wire out.</summary>
public sealed partial class StoreApi
{
    private readonly DiskService _disks;
    private readonly DiskImages _images;
    private readonly TemplateService _templates;
    private readonly SnapshotService _snapshots;
    private readonly StoreCheck _check;
    private readonly CloneService _clones;
    private readonly ProjectQuotas _quotas;

    internal StoreApi(DiskService disks, DiskImages images, TemplateService templates, SnapshotService snapshots, StoreCheck check, CloneService clones, ProjectQuotas quotas)
    {
        _quotas = quotas;
        _disks = disks;
        _images = images;
        _templates = templates;
        _snapshots = snapshots;
        _check = check;
        _clones = clones;
    }

    /// <summary>The store's volumes of <paramref name="project"/> (null: all; an image is in none) that <paramref name="visible"/> lets through.</summary>
    public IReadOnlyList<VolumeInfo> ListVolumes(string? project = null, Func<string, string, bool>? visible = null) =>
        [.. _disks.List().Where(v => VmsApi.Shows(v.Project, v.Volume.Name, project, visible)).Select(VolumeInfoFactory.Create)];

    public Result<VolumeInfo> GetVolume(string name) => ResultMap.Map(_disks.Get(name), VolumeInfoFactory.Create);

    public async Task<Result<VolumeInfo>> CreateDiskAsync(DiskCreateRequest request, CancellationToken ct, string project = StateDb.DefaultProject) =>
        _quotas.Missing(project) is { } missing
            ? missing
            : ResultMap.Map(await _disks.CreateAsync(request.Name, request.SizeBytes, request.Format, ct, project).ConfigureAwait(false), VolumeInfoFactory.Create);

    public async Task<Result<VolumeInfo>> ResizeDiskAsync(string name, DiskResizeRequest request, CancellationToken ct) =>
        ResultMap.Map(await _disks.ResizeAsync(name, request.SizeBytes, ct).ConfigureAwait(false), VolumeInfoFactory.Create);

    public async Task<Result<VolumeInfo>> DeleteDiskAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _disks.DeleteAsync(name, ct).ConfigureAwait(false), VolumeInfoFactory.Create);

    public async Task<Result<StoreCheckReport>> CheckAsync(string? name, CancellationToken ct) =>
        ResultMap.Map(await _check.CheckAsync(name, ct).ConfigureAwait(false), r => new StoreCheckReport
        {
            Volumes = [.. r.Volumes.Select(c => new VolumeCheck
            {
                Name = c.Volume.Name,
                Kind = VolumeStore.KindName(c.Volume.Kind),
                Path = c.Volume.Path,
                Ok = c.Ok,
                Problems = c.Problems,
                Note = c.Note,
            })],
            Repairs = r.Repairs,
            Ok = r.Ok,
        });

    public async Task<Result<VolumeInfo>> ImportImageAsync(ImageImportRequest request, CancellationToken ct) =>
        ResultMap.Map(await _images.ImportAsync(request.Path, request.Name, request.Format, ct).ConfigureAwait(false), VolumeInfoFactory.Create);

    public async Task<Result<VolumeInfo>> DeleteImageAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _images.DeleteAsync(name, ct).ConfigureAwait(false), VolumeInfoFactory.Create);

    public IReadOnlyList<TemplateInfo> ListTemplates(string? project = null, Func<string, string, bool>? visible = null) =>
        [.. _templates.List().Where(t => VmsApi.Shows(t.Template.Project, t.Template.Name, project, visible)).Select(TemplateInfoFactory.Create)];

    public Result<TemplateInfo> GetTemplate(string name) => ResultMap.Map(_templates.Get(name), TemplateInfoFactory.Create);

    /// <param name="project">The template's project, which must be its VM's; null: its VM's.</param>
    public async Task<Result<TemplateInfo>> CreateTemplateAsync(TemplateCreateRequest request, CancellationToken ct, string? project = null) =>
        project is not null && _quotas.Missing(project) is { } missing
            ? missing
            : ResultMap.Map(await _templates.CreateAsync(request.Vm, request.Name, ct, project).ConfigureAwait(false), TemplateInfoFactory.Create);

    public async Task<Result<TemplateInfo>> DeleteTemplateAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _templates.DeleteAsync(name, ct).ConfigureAwait(false), TemplateInfoFactory.Create);

    /// <summary>Checks a clone request before anything is made; on success the names the clones will get.</summary>
    /// <param name="project">The clones' project; null: the template's.</param>
    public Result<IReadOnlyList<string>> PlanClones(string template, CloneRequest request, string? project = null) => _clones.PlanClones(template, Order(request, project));

    /// <summary>Makes the planned clones, each step through <paramref name="emit"/>; returns the summary ("done").</summary>
    public async Task<CloneEvent> CloneAsync(string template, CloneRequest request, IReadOnlyList<string> names, Func<CloneEvent, Task> emit, CancellationToken ct, string? project = null) =>
        CloneEventFactory.Create(await _clones.CloneAsync(template, Order(request, project), names, p => emit(CloneEventFactory.Create(p)), ct).ConfigureAwait(false));

    public async Task<Result<IReadOnlyList<SnapshotInfo>>> ListSnapshotsAsync(string vm, CancellationToken ct) =>
        ResultMap.Map(await _snapshots.ListAsync(vm, ct).ConfigureAwait(false), l => (IReadOnlyList<SnapshotInfo>)[.. l.Select(Snapshot)]);

    public async Task<Result<SnapshotInfo>> CreateSnapshotAsync(string vm, SnapshotRequest request, CancellationToken ct) =>
        ResultMap.Map(await _snapshots.CreateAsync(vm, request.Name, ct).ConfigureAwait(false), Snapshot);

    public async Task<Result<SnapshotInfo>> RevertSnapshotAsync(string vm, string name, CancellationToken ct) =>
        ResultMap.Map(await _snapshots.RevertAsync(vm, name, ct).ConfigureAwait(false), Snapshot);

    public async Task<Result<SnapshotInfo>> DeleteSnapshotAsync(string vm, string name, CancellationToken ct) =>
        ResultMap.Map(await _snapshots.DeleteAsync(vm, name, ct).ConfigureAwait(false), Snapshot);

    private static CloneOrder Order(CloneRequest r, string? project) => new(r.Name, r.Count, r.Full, r.Start, TimeSpan.FromSeconds(r.ReadyTimeoutS), r.ReadyMarker, project) { Names = r.Names };

    private static SnapshotInfo Snapshot(VmSnapshot s) => new() { Name = s.Name, CreatedAt = s.CreatedAt, VmStateBytes = s.VmStateBytes, Disks = s.Disks };
}
