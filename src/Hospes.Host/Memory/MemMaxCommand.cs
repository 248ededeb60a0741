using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;

namespace Hospes.Host.Memory;

/// <summary>`hospes mem-max`: the most the guest may ever get. While it runs, not above the RAM it was started with.</summary>
internal sealed class MemMaxCommand(Balloons balloons, int mib) : IVmCommand<VmRecord>
{
    public VmAction Action => VmAction.Any;

    public Task<Result<VmRecord>> RunAsync(IVmSession vm, CancellationToken ct) => Task.FromResult(Run(vm));

    private Result<VmRecord> Run(IVmSession vm)
    {
        VmRecord r = vm.Record;
        if (mib < Balloons.MinimumMib)
        {
            return HospesError.Invalid($"{r.Name}: maxmem {mib} MiB is below the minimum of {Balloons.MinimumMib} MiB a guest needs");
        }

        bool running = vm.Qmp is not null;
        if (running && mib < r.Spec.MemoryMib)
        {
            return HospesError.Invalid($"{r.Name}: maxmem {mib} MiB is below its memory ({r.Spec.MemoryMib} MiB); lower memory first with `hospes mem-set {r.Name} {mib}`");
        }

        if (vm.Qmp is { } qmp && balloons.Of(qmp).BootedMib is { } booted && mib > booted)
        {
            return HospesError.Invalid(
                $"{r.Name}: it runs with the {booted} MiB of RAM it was started with; a maxmem above that takes effect only at a start: shut it down (`hospes shutdown {r.Name}`), then run mem-max again");
        }

        // A VM that is not running has no balloon: lowering its ceiling lowers its memory with it.
        VmSpec spec = r.Spec with { MaxMemoryMib = mib, MemoryMib = running ? r.Spec.MemoryMib : Math.Min(r.Spec.MemoryMib, mib) };
        return vm.Commit(r with { Spec = spec });
    }
}
