using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>A VM's vCPUs: vcpu-list, vcpu-set, vcpu-pin (xl's names).</summary>
public sealed class VcpusApi
{
    private readonly HospesConnection _c;

    internal VcpusApi(HospesConnection connection) => _c = connection;

    public Task<VcpuInfo[]> ListAsync(string vm, CancellationToken ct) => _c.SendAsync<VcpuInfo[]>(HttpMethod.Get, Routes.Path(Routes.VmVcpus, vm), null, ct);

    /// <summary>vcpu-set: plugs or unplugs vCPUs of a running VM; kept for its next start.</summary>
    public Task<VcpuInfo[]> SetAsync(string vm, VcpuSetRequest request, CancellationToken ct) =>
        _c.SendAsync<VcpuInfo[]>(HttpMethod.Put, Routes.Path(Routes.VmVcpus, vm), request, ct);

    /// <summary>vcpu-pin: the host CPUs a vCPU (or all) may run on.</summary>
    public Task<VcpuInfo[]> PinAsync(string vm, VcpuPinRequest request, CancellationToken ct) =>
        _c.SendAsync<VcpuInfo[]>(HttpMethod.Put, Routes.Path(Routes.VmVcpuAffinity, vm), request, ct);
}
