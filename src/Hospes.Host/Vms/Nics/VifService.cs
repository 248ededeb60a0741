using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Nics;

/// <summary>xl's network-attach and network-detach: the command in the VM's queue, one attach at a time on the host (addresses and MACs are unique across VMs).</summary>
internal sealed class VifService(VmManager vms, NetworkService networks) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Result<VmRecord> Find(string name)
    {
        Result<VmActor> found = vms.Find(name);
        return found.IsOk ? found.Value.Record : found.Error;
    }

    public async Task<Result<VmRecord>> AttachAsync(string name, VifSpec vif, CancellationToken ct)
    {
        Result<VmActor> found = vms.Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await found.Value.RunAsync(new NetworkAttachCommand(vif, networks, Others), ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<Result<VmRecord>> DetachAsync(string name, string which, CancellationToken ct)
    {
        Result<VmActor> found = vms.Find(name);
        return found.IsOk ? await found.Value.RunAsync(new NetworkDetachCommand(which, networks), ct).ConfigureAwait(false) : found.Error;
    }

    public void Dispose() => _gate.Dispose();

    private IReadOnlyList<VmSpec> Others(Guid uuid) => [.. vms.All.Where(a => a.Record.Uuid != uuid).Select(a => a.Record.Spec)];
}
