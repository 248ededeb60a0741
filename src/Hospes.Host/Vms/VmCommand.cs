using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;

namespace Hospes.Host.Vms;

/// <summary>A command of the VM floor and above: it gets the full <see cref="VmSession"/> (QEMU ownership included).</summary>
internal abstract class VmCommand<T> : IVmCommand<T>
{
    public abstract VmAction Action { get; }

    public virtual string? Verb => null;

    // The actor hands every command its VmSession; IVmSession is the narrower view the floors below get.
    Task<Result<T>> IVmCommand<T>.RunAsync(IVmSession vm, CancellationToken ct) => RunAsync((VmSession)vm, ct);

    protected abstract Task<Result<T>> RunAsync(VmSession vm, CancellationToken ct);
}
