using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Storage;
using Hospes.Host.Vms.Commands;
using Hospes.Host.Vms.Forks;

namespace Hospes.Host.Vms;

/// <summary>What forks need of the VM manager: rows for the children, and the RAM files' keeper.</summary>
internal sealed partial class VmManager
{
    /// <summary>Where RAM files live and when they go.</summary>
    public ForkRam Ram => _launcher.Ram;

    /// <summary>
    /// Defines a fork of a VM: its spec as given (new name and uuid, MACs and addresses left to the networks to assign),
    /// no disk of its own (a fork has read-only disks only), in <paramref name="project"/>. The VM is shut off until its
    /// fork runs.
    /// </summary>
    public async Task<Result<VmActor>> DefineForkAsync(VmSpec spec, string project, CancellationToken ct)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Quotas.Check(project, QuotaRequest.Create(spec.Name, 0, 0, start: false)) is { } refused)
            {
                return refused;
            }

            return await DefineClaimedAsync(spec, project, ct).ConfigureAwait(false);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>
    /// Ends a QEMU that a killed hospesd started for this VM but had not recorded yet (its pid file names it, checked
    /// against its QMP socket): a fork starts many at once, so a kill often falls in that window.
    /// </summary>
    public async Task EndUnrecordedQemuAsync(VmActor actor)
    {
        Qemu.CommandLine.VmRuntimePaths paths = _layout.Paths(actor.Record.Uuid);
        if (actor.Pid is not null || !File.Exists(paths.PidFile) || !int.TryParse(File.ReadAllText(paths.PidFile).Trim(), out int pid))
        {
            return;
        }

        if (await _qemu.AttachAsync(pid, paths, CancellationToken.None).ConfigureAwait(false) is { } q)
        {
            await q.KillAsync(CancellationToken.None).ConfigureAwait(false);
            await q.DisposeAsync().ConfigureAwait(false);
        }

        _qemu.RemoveRuntimeFiles(paths);
    }

    /// <summary>Removes a VM defined for a fork that did not come to run (its QEMU, if any, ends first).</summary>
    public async Task DropForkAsync(VmActor actor)
    {
        await EndUnrecordedQemuAsync(actor).ConfigureAwait(false);
        await actor.RunAsync(new ForgetCommand(VmPresence.Deleted, force: true, _log), CancellationToken.None).ConfigureAwait(false);
        await RemoveAsync(actor, VmPresence.Deleted).ConfigureAwait(false);
        await _claims.ReleaseAsync(actor.Record.Name, CancellationToken.None).ConfigureAwait(false);
    }
}
