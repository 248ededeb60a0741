using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Commands;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// A fork made frozen (`hospes template create VM --running`): recorded as saved at the fork point, as a fork is just
/// before its QEMU starts, and left there: a template of running state that later forks (`clone --instant`) copy.
/// </summary>
internal sealed class ForkFrozen(string ramFile) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Restore;

    public override string? Verb => "fork";

    protected override Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (r.State != VmState.Shutoff || r.StartedAt is not null)
        {
            return Task.FromResult<Result<VmRecord>>(HospesError.State($"{r.Name} was defined for a fork but has run since; it is left as it is"));
        }

        return Task.FromResult<Result<VmRecord>>(vm.Commit(r with { State = VmState.Saved, SavePath = ForkRam.StateFile(ramFile), RamFile = ramFile }));
    }
}
