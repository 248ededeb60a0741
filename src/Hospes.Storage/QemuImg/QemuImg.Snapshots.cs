using Hospes.Core.Errors;

namespace Hospes.Storage.QemuImg;

/// <summary>Internal qcow2 snapshots of a stopped image (a running VM's snapshots go through QMP).</summary>
public sealed partial class QemuImg
{
    public async Task<Result<bool>> SnapshotCreateAsync(string path, string name, CancellationToken ct)
    {
        Result<IReadOnlyList<ImageSnapshot>> list = await SnapshotListAsync(path, ct).ConfigureAwait(false);
        if (!list.IsOk)
        {
            return list.Error;
        }

        if (list.Value.Any(s => s.Name == name))
        {
            return HospesError.Conflict($"image {path} already has a snapshot '{name}'; choose another name or delete the old one");
        }

        return Done(await RunAsync("snapshot", path, ["snapshot", "-q", "-f", "qcow2", "-c", name, path], MetadataLimit, ct).ConfigureAwait(false));
    }

    public async Task<Result<IReadOnlyList<ImageSnapshot>>> SnapshotListAsync(string path, CancellationToken ct)
    {
        // Snapshots live in qcow2 only: the file is read as qcow2, never probed (a raw guest disk may carry a qcow2 header its guest wrote).
        Result<ImageFileInfo> info = await InfoAsync(path, "qcow2", ct).ConfigureAwait(false);
        return info.IsOk ? Result.Ok(info.Value.Snapshots) : info.Error;
    }

    /// <summary>Reverts the image's content to the snapshot; changes made since are lost.</summary>
    public Task<Result<bool>> SnapshotApplyAsync(string path, string name, CancellationToken ct) =>
        OnExistingSnapshotAsync("-a", path, name, ct);

    public Task<Result<bool>> SnapshotDeleteAsync(string path, string name, CancellationToken ct) =>
        OnExistingSnapshotAsync("-d", path, name, ct);

    private async Task<Result<bool>> OnExistingSnapshotAsync(string flag, string path, string name, CancellationToken ct)
    {
        // qemu-img reports a missing snapshot as "No such file or directory", which reads as a missing image.
        Result<IReadOnlyList<ImageSnapshot>> list = await SnapshotListAsync(path, ct).ConfigureAwait(false);
        if (!list.IsOk)
        {
            return list.Error;
        }

        if (!list.Value.Any(s => s.Name == name))
        {
            string known = list.Value.Count == 0 ? "none" : string.Join(", ", list.Value.Select(s => s.Name));
            return HospesError.NotFound($"image {path} has no snapshot '{name}' (it has: {known})");
        }

        return Done(await RunAsync("snapshot", path, ["snapshot", "-q", "-f", "qcow2", flag, name, path], MetadataLimit, ct).ConfigureAwait(false));
    }
}
