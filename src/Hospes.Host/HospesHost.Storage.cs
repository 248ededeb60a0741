using Hospes.Contracts;
using Hospes.Core.Errors;

namespace Hospes.Host;

/// <summary>The store's part of the API: disks, imports, templates, clones, snapshots.</summary>
public sealed partial class HospesHost
{
    public IReadOnlyList<VolumeInfo> ListVolumes() => Store.ListVolumes();

    public Result<VolumeInfo> GetVolume(string name) => Store.GetVolume(name);

    public Task<Result<VolumeInfo>> CreateDiskAsync(DiskCreateRequest request, CancellationToken ct) => Store.CreateDiskAsync(request, ct);

    public Task<Result<VolumeInfo>> ResizeDiskAsync(string name, DiskResizeRequest request, CancellationToken ct) => Store.ResizeAsync(name, request, ct);

    public Task<Result<VolumeInfo>> DeleteDiskAsync(string name, CancellationToken ct) => Store.DeleteDiskAsync(name, ct);

    public Task<Result<StoreCheckReport>> CheckStoreAsync(string? name, CancellationToken ct) => Store.CheckAsync(name, ct);

    public Task<Result<VolumeInfo>> ImportImageAsync(ImageImportRequest request, CancellationToken ct) => Store.ImportAsync(request, ct);

    public Task<Result<VolumeInfo>> DeleteImageAsync(string name, CancellationToken ct) => Store.DeleteImageAsync(name, ct);

    public IReadOnlyList<TemplateInfo> ListTemplates() => Store.ListTemplates();

    public Result<TemplateInfo> GetTemplate(string name) => Store.GetTemplate(name);

    public Task<Result<TemplateInfo>> CreateTemplateAsync(TemplateCreateRequest request, CancellationToken ct) => Store.CreateTemplateAsync(request, ct);

    public Task<Result<TemplateInfo>> DeleteTemplateAsync(string name, CancellationToken ct) => Store.DeleteTemplateAsync(name, ct);

    /// <summary>Checks a clone request; on success the names the clones will get.</summary>
    public Result<IReadOnlyList<string>> PlanClones(string template, CloneRequest request) => Clones.PlanClones(template, request);

    public Task<CloneEvent> CloneAsync(string template, CloneRequest request, IReadOnlyList<string> names, Func<CloneEvent, Task> emit, CancellationToken ct) =>
        Clones.CloneAsync(template, request, names, emit, ct);

    public Task<Result<IReadOnlyList<SnapshotInfo>>> ListSnapshotsAsync(string vm, CancellationToken ct) => Store.ListSnapshotsAsync(vm, ct);

    public Task<Result<SnapshotInfo>> CreateSnapshotAsync(string vm, SnapshotRequest request, CancellationToken ct) => Store.CreateSnapshotAsync(vm, request, ct);

    public Task<Result<SnapshotInfo>> RevertSnapshotAsync(string vm, string name, CancellationToken ct) => Store.RevertSnapshotAsync(vm, name, ct);

    public Task<Result<SnapshotInfo>> DeleteSnapshotAsync(string vm, string name, CancellationToken ct) => Store.DeleteSnapshotAsync(vm, name, ct);
}
