using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Hospes.Host.Vms;

namespace Hospes.Host;

/// <summary>Memory: mem-set, mem-max, top, host memory.</summary>
public sealed partial class HospesHost
{
    public Task<Result<VmMemoryInfo>> MemSetAsync(string name, MemorySizeRequest request) => RunMemory(name, a => a.RunAsync(Vms.Commands.MemSet(request.Mib)));

    public Task<Result<VmMemoryInfo>> MemMaxAsync(string name, MemorySizeRequest request) => RunMemory(name, a => a.RunAsync(Vms.Commands.MemMax(request.Mib)));

    public Result<VmMemoryInfo> VmMemory(string name) => ResultMap.Map(Vms.Find(name), Memory.VmInfo);

    public HostMemoryInfo HostMemory() => Memory.HostInfo();

    public TopInfo Top() => Memory.Top();

    private async Task<Result<VmMemoryInfo>> RunMemory(string name, Func<VmActor, Task<Result<State.VmRecord>>> operation)
    {
        Result<VmActor> actor = Vms.Find(name);
        if (!actor.IsOk)
        {
            return actor.Error;
        }

        Result<State.VmRecord> done = await operation(actor.Value).ConfigureAwait(false);
        return done.IsOk ? Memory.VmInfo(actor.Value) : done.Error;
    }
}
