using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Cluster;
using Hospes.Host.Storage;

namespace Hospes.Host.Vms;

/// <summary>In a cluster, every way a VM comes to be here takes its name there first (issue 17, part 2).</summary>
internal sealed partial class VmManager
{
    /// <summary>The cluster's VM ownership (nothing to claim in no cluster): migrations move it.</summary>
    public IVmClaims Claims => _claims;

    /// <summary>
    /// Defines a VM with no disk of its own (a fork child, a VM restored from a save file) once this host owns its name
    /// in the cluster; the claim goes again when the define fails. Caller holds the names gate.
    /// </summary>
    private async Task<Result<VmActor>> DefineClaimedAsync(VmSpec spec, string project, CancellationToken ct)
    {
        // A name here already is refused before the claim: its claim is that VM's, and must not go with this failure.
        if (Clash(spec) is { } clash)
        {
            return clash;
        }

        if (await _claims.ClaimAsync(spec.Name, spec.Uuid, project, admit: true, ct).ConfigureAwait(false) is { } notOwned)
        {
            return notOwned;
        }

        Result<VmActor> defined = Define(new Provisioned(spec, [], []), project: project);
        if (!defined.IsOk)
        {
            await _claims.ReleaseAsync(spec.Name, CancellationToken.None).ConfigureAwait(false);
        }

        return defined;
    }
}
