using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>The host's memory, `hospes top`, and a VM's balloon (mem-set, mem-max).</summary>
public sealed class MemoryApi
{
    private readonly HospesConnection _c;

    internal MemoryApi(HospesConnection connection) => _c = connection;

    public Task<HostMemoryInfo> HostAsync(CancellationToken ct) => _c.SendAsync<HostMemoryInfo>(HttpMethod.Get, Routes.HostMemory, null, ct);

    /// <summary>The host's memory over the last hour, as hospesd sampled it (a sample every 10 s).</summary>
    public Task<HostMemoryHistoryInfo> HistoryAsync(CancellationToken ct) => _c.SendAsync<HostMemoryHistoryInfo>(HttpMethod.Get, Routes.HostMemoryHistory, null, ct);

    public Task<TopInfo> TopAsync(CancellationToken ct) => _c.SendAsync<TopInfo>(HttpMethod.Get, Routes.Top, null, ct);

    public Task<VmMemoryInfo> GetAsync(string vm, CancellationToken ct) => _c.SendAsync<VmMemoryInfo>(HttpMethod.Get, Routes.Path(Routes.VmMemory, vm), null, ct);

    /// <summary>mem-set: the VM's memory, ballooned to now if it runs.</summary>
    public Task<VmMemoryInfo> SetTargetAsync(string vm, MemorySizeRequest request, CancellationToken ct) =>
        _c.SendAsync<VmMemoryInfo>(HttpMethod.Put, Routes.Path(Routes.VmMemoryTarget, vm), request, ct);

    /// <summary>mem-max: the most memory the VM may get.</summary>
    public Task<VmMemoryInfo> SetMaxAsync(string vm, MemorySizeRequest request, CancellationToken ct) =>
        _c.SendAsync<VmMemoryInfo>(HttpMethod.Put, Routes.Path(Routes.VmMemoryMax, vm), request, ct);
}
