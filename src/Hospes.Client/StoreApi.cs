using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>The store: disks (named NAME, IMAGE, TEMPLATE/vdev or VM/vdev), image imports, templates, clones, snapshots.</summary>
public sealed class StoreApi
{
    private readonly HospesConnection _c;

    internal StoreApi(HospesConnection connection) => _c = connection;

    /// <summary>Every volume of the store.</summary>
    public Task<IReadOnlyList<VolumeInfo>> ListDisksAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<VolumeInfo>>(HttpMethod.Get, Routes.Disks, null, ct);

    public Task<VolumeInfo> CreateDiskAsync(DiskCreateRequest request, CancellationToken ct) => _c.SendAsync<VolumeInfo>(HttpMethod.Post, Routes.Disks, request, ct);

    public Task<VolumeInfo> GetDiskAsync(string name, CancellationToken ct) => _c.SendAsync<VolumeInfo>(HttpMethod.Get, Named(Routes.Disk, name), null, ct);

    public Task<VolumeInfo> DeleteDiskAsync(string name, CancellationToken ct) => _c.SendAsync<VolumeInfo>(HttpMethod.Delete, Named(Routes.Disk, name), null, ct);

    public Task<VolumeInfo> ResizeDiskAsync(string name, DiskResizeRequest request, CancellationToken ct) =>
        _c.SendAsync<VolumeInfo>(HttpMethod.Post, Named(Routes.DiskResize, name), request, ct);

    /// <summary>qemu-img check of one volume, or of all when <paramref name="name"/> is null, and the last start's repairs.</summary>
    public Task<StoreCheckReport> CheckAsync(string? name, CancellationToken ct) =>
        _c.SendAsync<StoreCheckReport>(HttpMethod.Get, name is null ? Routes.DisksCheck : Named(Routes.DisksCheck, name), null, ct);

    /// <summary>Converts a disk image file on hospesd's host into a qcow2 image of the store.</summary>
    public Task<VolumeInfo> ImportImageAsync(ImageImportRequest request, CancellationToken ct) => _c.SendAsync<VolumeInfo>(HttpMethod.Post, Routes.ImageImport, request, ct);

    /// <summary>Deletes an image and its disk (refused while VMs or templates depend on it).</summary>
    public Task<VolumeInfo> DeleteImageAsync(string name, CancellationToken ct) => _c.SendAsync<VolumeInfo>(HttpMethod.Delete, Routes.Path(Routes.Image, name), null, ct);

    public Task<IReadOnlyList<TemplateInfo>> ListTemplatesAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<TemplateInfo>>(HttpMethod.Get, Routes.Templates, null, ct);

    public Task<TemplateInfo> CreateTemplateAsync(TemplateCreateRequest request, CancellationToken ct) => _c.SendAsync<TemplateInfo>(HttpMethod.Post, Routes.Templates, request, ct);

    public Task<TemplateInfo> GetTemplateAsync(string name, CancellationToken ct) => _c.SendAsync<TemplateInfo>(HttpMethod.Get, Routes.Path(Routes.Template, name), null, ct);

    public Task<TemplateInfo> DeleteTemplateAsync(string name, CancellationToken ct) => _c.SendAsync<TemplateInfo>(HttpMethod.Delete, Routes.Path(Routes.Template, name), null, ct);

    /// <summary>Makes clones of a template, one event per step as it happens; "done" (with the summary) is the last.</summary>
    public IAsyncEnumerable<CloneEvent> CloneAsync(string template, CloneRequest request, CancellationToken ct) =>
        _c.StreamAsync<CloneEvent>(HttpMethod.Post, Routes.Path(Routes.TemplateClone, template), request, ct);

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(string vm, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<SnapshotInfo>>(HttpMethod.Get, Routes.Path(Routes.VmSnapshots, vm), null, ct);

    public Task<SnapshotInfo> CreateSnapshotAsync(string vm, SnapshotRequest request, CancellationToken ct) =>
        _c.SendAsync<SnapshotInfo>(HttpMethod.Post, Routes.Path(Routes.VmSnapshots, vm), request, ct);

    public Task<SnapshotInfo> RevertSnapshotAsync(string vm, string snapshot, CancellationToken ct) =>
        _c.SendAsync<SnapshotInfo>(HttpMethod.Post, Routes.Path(Routes.VmSnapshotRevert, vm, snapshot), null, ct);

    public Task<SnapshotInfo> DeleteSnapshotAsync(string vm, string snapshot, CancellationToken ct) =>
        _c.SendAsync<SnapshotInfo>(HttpMethod.Delete, Routes.Path(Routes.VmSnapshot, vm, snapshot), null, ct);

    private static string Named(string route, string name) => Routes.Query(route, "name", name);
}
