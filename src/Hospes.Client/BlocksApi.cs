using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>A VM's disks: block-list, block-attach, block-detach (xl's names).</summary>
public sealed class BlocksApi
{
    private readonly HospesConnection _c;

    internal BlocksApi(HospesConnection connection) => _c = connection;

    public Task<BlockInfo[]> ListAsync(string vm, CancellationToken ct) => _c.SendAsync<BlockInfo[]>(HttpMethod.Get, Routes.Path(Routes.VmBlocks, vm), null, ct);

    /// <summary>block-attach: the disk joins the VM's spec, and is plugged in while it runs.</summary>
    public Task<BlockInfo[]> AttachAsync(string vm, BlockAttachRequest request, CancellationToken ct) =>
        _c.SendAsync<BlockInfo[]>(HttpMethod.Post, Routes.Path(Routes.VmBlocks, vm), request, ct);

    public Task<BlockInfo[]> DetachAsync(string vm, string vdev, CancellationToken ct) =>
        _c.SendAsync<BlockInfo[]>(HttpMethod.Delete, Routes.Path(Routes.VmBlock, vm, vdev), null, ct);
}
