using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Host.Machine;

/// <summary>
/// One operation on one VM, run in its queue (Firecracker's VmmAction): nothing else happens to the VM meanwhile.
/// The queue checks <see cref="Action"/> against <see cref="VmTransitions"/> before it runs.
/// </summary>
internal interface IVmCommand<T>
{
    VmAction Action { get; }

    /// <summary>The action as a refusal names it ("create snapshot 'x' of"); null for the action's own verb.</summary>
    string? Verb => null;

    Task<Result<T>> RunAsync(IVmSession vm, CancellationToken ct);
}
