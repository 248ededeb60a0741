using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// A command that runs <paramref name="during"/> in the VM's queue: what it queues meanwhile waits behind it, which
/// stages exactly the interleavings a race needs (a start queued before a delete, a dispose while work waits).
/// </summary>
internal sealed class InQueue(Action during) : VmCommand<bool>
{
    public override VmAction Action => VmAction.Any;

    protected override Task<Result<bool>> RunAsync(VmSession vm, CancellationToken ct)
    {
        during();
        return Task.FromResult<Result<bool>>(true);
    }
}
