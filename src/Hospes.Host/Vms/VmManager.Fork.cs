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

            return Define(new Provisioned(spec, [], []), project: project);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>Removes a VM defined for a fork that did not come to run (its QEMU, if any, ends first).</summary>
    public async Task DropForkAsync(VmActor actor)
    {
        await actor.RunAsync(new ForgetCommand(VmPresence.Deleted, force: true, _log), CancellationToken.None).ConfigureAwait(false);
        await RemoveAsync(actor, VmPresence.Deleted).ConfigureAwait(false);
    }
}
