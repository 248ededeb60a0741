using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Rename;

/// <summary>
/// `hospes rename OLD NEW` (xl rename), in the VM's queue so no command of it runs half under one name and half under
/// the other: every row that holds the name changes in one transaction, then the VM answers to the new name. Its files
/// are named by its uuid, so nothing on disk moves; a running QEMU keeps its `-name` until its next start.
/// </summary>
internal sealed class RenameCommand(string newName, StateDb db) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Rename;

    public override string? Verb => "rename";

    protected override Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        string old = r.Name;

        // A migration or a fork that a restarted hospesd must settle names the VM in its journal as it was.
        if (File.Exists(vm.MigrationJournal))
        {
            return Refused($"cannot rename {old}: a migration of it is under way; wait until it ends (`hospes list` shows it), or cancel it with `hospes migrate --cancel {old}`");
        }

        if (File.Exists(vm.ForkJournal))
        {
            return Refused($"cannot rename {old}: a fork of it is under way; wait until it ends");
        }

        VmRecord renamed = r with { Spec = r.Spec with { Name = newName } };
        db.InTransaction(tx => tx.RenameVm(renamed, old));
        vm.Renamed(renamed, old);
        return Task.FromResult<Result<VmRecord>>(renamed);
    }

    private static Task<Result<VmRecord>> Refused(string why) => Task.FromResult<Result<VmRecord>>(HospesError.State(why));
}
