using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Rename;

namespace Hospes.Host.Vms;

internal sealed partial class VmManager
{
    // New names of renames under way (name -> uuid): a define or another rename sees them taken until the rename ends.
    private readonly ConcurrentDictionary<string, Guid> _renaming = new(StringComparer.Ordinal);

    /// <summary>What is wrong with renaming <paramref name="name"/> to <paramref name="newName"/> whatever the VM's state, or null.</summary>
    public static HospesError? CheckRename(string name, string? newName)
    {
        if (string.IsNullOrEmpty(newName))
        {
            return HospesError.Invalid($"rename {name}: the request has no new name; send {{\"name\": \"NEW\"}} (`hospes rename {name} NEW`)");
        }

        if (VmName.Validate(newName) is { } problem)
        {
            return HospesError.Invalid($"cannot rename {name} to '{newName}': {problem}");
        }

        return Guid.TryParse(newName, out _)
            ? HospesError.Invalid($"cannot rename {name} to '{newName}': a name that reads as a uuid would hide the VM whose uuid it is; choose another")
            : null;
    }

    /// <summary>
    /// xl rename, for a VM shut off or running: the new name is claimed (in a cluster, its store records this host as its
    /// owner) and held against defines, then every row holding the old name takes the new one in the VM's queue, in one
    /// transaction; the old name is given up after. Whatever fails, nothing is half-renamed and the new claim goes.
    /// </summary>
    public async Task<Result<VmActor>> RenameAsync(string name, string newName, CancellationToken ct)
    {
        if (CheckRename(name, newName) is { } invalid)
        {
            return invalid;
        }

        Result<VmActor> found = Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmActor actor = found.Value;
        string old = actor.Record.Name;
        if (old == newName)
        {
            return HospesError.Invalid($"{old} is named {newName} already; give another name");
        }

        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (NameTaken(newName) is { } taken)
            {
                return taken;
            }

            _renaming[newName] = actor.Record.Uuid;
        }
        finally
        {
            _namesGate.Release();
        }

        try
        {
            // An HA VM's new name is claimed with its HA record in one step (the old record goes with the old claim).
            Cluster.Ha.IHaRecords? ha = actor.Record.Spec.Ha ? _claims as Cluster.Ha.IHaRecords : null;
            HospesError? notOwned = ha is not null
                ? await ha.ClaimRenamedHaAsync(actor.Record with { Spec = actor.Record.Spec with { Name = newName } }, ct).ConfigureAwait(false)
                : await _claims.ClaimAsync(newName, actor.Record.Uuid, actor.Record.Project, admit: false, ct).ConfigureAwait(false);
            if (notOwned is not null)
            {
                return notOwned;
            }

            // Once claimed, the rename runs to its end whoever hangs up: a cancelled caller must not leave a claim behind.
            Result<VmRecord> renamed = await actor.RunAsync(new RenameCommand(newName, _db), CancellationToken.None).ConfigureAwait(false);
            if (!renamed.IsOk)
            {
                if (ha is not null)
                {
                    await ha.ForgetHaAsync(newName, CancellationToken.None).ConfigureAwait(false);
                }

                await _claims.ReleaseAsync(newName, CancellationToken.None).ConfigureAwait(false);
                return renamed.Error;
            }

            VmLog.Renamed(_log, old, newName);
            if (ha is not null)
            {
                await ha.ForgetHaAsync(old, CancellationToken.None).ConfigureAwait(false);
            }

            await _claims.ReleaseAsync(old, CancellationToken.None).ConfigureAwait(false);

            // The networks' DHCP hosts give the guest its name in DNS.
            await _networks.RefreshAsync(renamed.Value.Spec.Vifs, CancellationToken.None).ConfigureAwait(false);
            return actor;
        }
        finally
        {
            _renaming.TryRemove(newName, out _);
        }
    }

    /// <summary>Whether another VM has <paramref name="name"/> here, is about to arrive with it, or is being renamed to it. Caller holds the names gate.</summary>
    private HospesError? NameTaken(string name)
    {
        if (_registry.Vms.FirstOrDefault(a => a.Record.Name == name) is { } clash)
        {
            return HospesError.Conflict($"a VM named '{name}' already exists ({clash.Record.State.ToString().ToLowerInvariant()}); choose another name");
        }

        if (_reserved.Values.Contains(name, StringComparer.Ordinal))
        {
            return HospesError.Conflict($"a VM named '{name}' is arriving here by migration; choose another name");
        }

        return _renaming.ContainsKey(name) ? HospesError.Conflict($"another VM is being renamed to '{name}'; choose another name") : null;
    }
}
