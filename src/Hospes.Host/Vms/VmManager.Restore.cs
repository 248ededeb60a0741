using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Vms;

/// <summary>Restoring a save file: into the VM it came from, or into a VM defined from the file.</summary>
internal sealed partial class VmManager
{
    /// <summary>Restores a save file: into its VM if this host has it, else defines the VM from the file first.</summary>
    /// <param name="project">The project of a VM this host does not have yet (defined from the file).</param>
    public async Task<Result<VmActor>> RestoreAsync(string path, bool paused, CancellationToken ct, string project = StateDb.DefaultProject)
    {
        Result<SaveHeader> header = SaveFile.ReadHeader(path);
        if (!header.IsOk)
        {
            return header.Error;
        }

        VmSpec spec = header.Value.Spec;
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        VmActor actor;
        bool definedHere = false;
        try
        {
            if (_registry.Get(spec.Uuid) is { } existing)
            {
                actor = existing;
                VmRecord r = actor.Record;
                if (r.State != VmState.Saved || r.SavePath != path)
                {
                    string why = r.State == VmState.Saved
                        ? $"its latest save is {r.SavePath}, not this file"
                        : $"it is {r.State.ToString().ToLowerInvariant()} and may have written to its disks since this save";
                    return HospesError.State($"cannot restore {r.Name} from {path}: {why}; restoring would not match its disks");
                }
            }
            else if (ForeignSpecs.Check(spec, _layout.Options, _networks.All, $"save file {path}") is { } invalid)
            {
                // A VM this host does not have: its spec comes from the file alone, which anyone may have written (#2).
                return invalid;
            }
            else if (Quotas.Check(project, QuotaRequest.Create(spec.Name, 0, 0, start: false)) is { } refused)
            {
                return refused;
            }
            else
            {
                Result<VmActor> defined = await DefineClaimedAsync(spec, project, ct).ConfigureAwait(false);
                if (!defined.IsOk)
                {
                    return defined.Error;
                }

                actor = defined.Value;
                definedHere = true;
            }
        }
        finally
        {
            _namesGate.Release();
        }

        Result<VmRecord> restored = await actor.RunAsync(Commands.Restore(path, paused, definedHere), ct).ConfigureAwait(false);
        if (!restored.IsOk)
        {
            if (definedHere)
            {
                await RemoveAsync(actor, VmPresence.Deleted).ConfigureAwait(false);
                await _claims.ReleaseAsync(spec.Name, CancellationToken.None).ConfigureAwait(false);
            }

            return restored.Error;
        }

        return actor;
    }
}
