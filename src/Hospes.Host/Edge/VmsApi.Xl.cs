using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Commands;

namespace Hospes.Host.Edge;

/// <summary>xl's commands on a running guest through its QEMU (sysrq, trigger, dump-core, cd-insert, cd-eject).</summary>
public sealed partial class VmsApi
{
    public Task<Result<VmInfo>> SysrqAsync(string name, SysrqRequest request, CancellationToken ct) =>
        Checked(name, request?.Key, "key", r => SysrqCommand.Check(r, request!.Key), () => new SysrqCommand(request!.Key), ct);

    public Task<Result<VmInfo>> TriggerAsync(string name, TriggerRequest request, CancellationToken ct) =>
        Checked(name, request?.Trigger, "trigger", _ => TriggerCommand.Qmp(request!.Trigger) is { IsOk: false } bad ? bad.Error : null, () => new TriggerCommand(request!.Trigger), ct);

    public Task<Result<VmInfo>> DumpCoreAsync(string name, DumpCoreRequest request, CancellationToken ct) =>
        Checked(name, request?.Path, "path", _ => DumpCoreCommand.CheckPath(request!.Path), () => new DumpCoreCommand(request!.Path), ct);

    public Task<Result<VmInfo>> CdInsertAsync(string name, string vdev, CdInsertRequest request, CancellationToken ct) =>
        Checked(name, request?.Path, "path", r => CdMediumCommand.Check(r, vdev, request!.Path), () => new CdMediumCommand(vdev, request!.Path), ct);

    public Task<Result<VmInfo>> CdEjectAsync(string name, string vdev, CancellationToken ct) =>
        Checked(name, vdev, "vdev", r => CdMediumCommand.Check(r, vdev, null), () => new CdMediumCommand(vdev, null), ct);

    /// <summary>xl rename: the VM and every row, grant and claim that names it take the new name (<see cref="VmManager.RenameAsync"/>).</summary>
    public async Task<Result<VmInfo>> RenameAsync(string name, RenameRequest request, CancellationToken ct) =>
        ResultMap.Map(await _vms.RenameAsync(name, request?.Name!, ct).ConfigureAwait(false), VmInfoFactory.Create);

    /// <summary>
    /// Refuses a missing field and what cannot work whatever the VM's state (a PV guest's sysrq, an unknown drive) before
    /// queueing, so the answer is not "start it first"; then runs the command in the VM's queue.
    /// </summary>
    private Task<Result<VmInfo>> Checked(string name, string? field, string fieldName, Func<VmRecord, HospesError?> check, Func<VmCommand<VmRecord>> command, CancellationToken ct)
    {
        if (field is null)
        {
            return Task.FromResult<Result<VmInfo>>(HospesError.Invalid($"the request has no \"{fieldName}\"; send e.g. {{\"{fieldName}\": \"...\"}}"));
        }

        Result<VmActor> actor = _vms.Find(name);
        if (actor.IsOk && check(actor.Value.Record) is { } refused)
        {
            return Task.FromResult<Result<VmInfo>>(refused);
        }

        return Run(name, a => a.RunAsync(command(), ct));
    }
}
