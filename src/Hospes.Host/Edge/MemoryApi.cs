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

    /// <summary>The host's memory over the last hour, as hospesd sampled it.</summary>
    public HostMemoryHistoryInfo History() => new()
    {
        IntervalS = (int)MemoryHistory.Period.TotalSeconds,
        WindowS = (int)MemoryHistory.Window.TotalSeconds,
        Samples = [.. _memory.History.Points().Select(p => new HostMemoryPoint
        {
            At = p.At,
            TotalMib = p.TotalBytes / (1024 * 1024),
            AvailableMib = p.AvailableBytes / (1024 * 1024),
            CommittedMib = p.CommittedBytes / (1024 * 1024),
            KsmSavedMib = p.KsmSavedBytes / (1024 * 1024),
        })],
    };

    public TopInfo Top() => MemoryInfoFactory.Create(_memory.Top());

    /// <summary>
    /// `hospes top` for a caller: the VMs of <paramref name="project"/> (null: all) <paramref name="visible"/> lets
    /// through, the policy's actions on them, and the host's lines only when <paramref name="showHost"/>.
    /// </summary>
    public TopInfo Top(string? project, Func<string, string, bool>? visible, bool showHost)
    {
        MemoryTop top = _memory.Top();
        var shown = top.Vms.Where(v => VmsApi.Shows(v.Vm.Project, v.Vm.Name, project, visible)).ToList();
        var names = shown.Select(v => v.Vm.Name).ToHashSet(StringComparer.Ordinal);
        TopInfo all = MemoryInfoFactory.Create(top with { Vms = shown, Actions = [.. top.Actions.Where(a => names.Contains(a.Vm))] });
        return showHost ? all : all with { Host = null };
    }

    public Result<VmMemoryInfo> Vm(string name) => ResultMap.Map(_memory.Status(name), MemoryInfoFactory.Create);

    public async Task<Result<VmMemoryInfo>> SetTargetAsync(string name, MemorySizeRequest request) =>
        ResultMap.Map(await _memory.SetTargetAsync(name, request.Mib).ConfigureAwait(false), MemoryInfoFactory.Create);

    public async Task<Result<VmMemoryInfo>> SetMaxAsync(string name, MemorySizeRequest request) =>
        ResultMap.Map(await _memory.SetMaxAsync(name, request.Mib).ConfigureAwait(false), MemoryInfoFactory.Create);
}
