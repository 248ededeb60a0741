using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Memory;

namespace Hospes.Host.Edge;

/// <summary>Memory as the API shows it: a VM's balloon (mem-set, mem-max), the host's memory, and `hospes top`.</summary>
public sealed class MemoryApi
{
    private readonly MemoryService _memory;

    internal MemoryApi(MemoryService memory) => _memory = memory;

    public HostMemoryInfo Host() => MemoryInfoFactory.Create(_memory.HostStatus());

    public TopInfo Top() => MemoryInfoFactory.Create(_memory.Top());

    public Result<VmMemoryInfo> Vm(string name) => ResultMap.Map(_memory.Status(name), MemoryInfoFactory.Create);

    public async Task<Result<VmMemoryInfo>> SetTargetAsync(string name, MemorySizeRequest request) =>
        ResultMap.Map(await _memory.SetTargetAsync(name, request.Mib).ConfigureAwait(false), MemoryInfoFactory.Create);

    public async Task<Result<VmMemoryInfo>> SetMaxAsync(string name, MemorySizeRequest request) =>
        ResultMap.Map(await _memory.SetMaxAsync(name, request.Mib).ConfigureAwait(false), MemoryInfoFactory.Create);
}
