using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Qemu.Launch;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>The host's VMs: defines, finds, deletes and restores them; each VM's own work goes to its actor as a command.</summary>
internal sealed class VmManager : IAsyncDisposable
{
    private readonly StateDb _db;
    private readonly VmLayout _layout;
    private readonly VmRegistry<VmActor> _registry;
    private readonly DiskProvisioner _disks;
    private readonly NetworkService _networks;
    private readonly IQemuLauncher _qemu;
    private readonly VmLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    // Defining, deleting and restoring change which names exist: one at a time keeps names unique.
    private readonly SemaphoreSlim _namesGate = new(1, 1);

    public VmManager(
        StateDb db,
        VmLayout layout,
        VmRegistry<VmActor> registry,
        DiskProvisioner disks,
        NetworkService networks,
        IQemuLauncher qemu,
        VmLauncher launcher,
        VmCommands commands,
        TimeProvider time,
        ILogger log)
    {
        _db = db;
        _layout = layout;
        _registry = registry;
        _disks = disks;
        _networks = networks;
        _qemu = qemu;
        _launcher = launcher;
        Commands = commands;
        _time = time;
        _log = log;
    }

    public VmCommands Commands { get; }

    public IReadOnlyList<VmActor> All => _registry.Vms;

    public Result<VmActor> Find(string nameOrUuid) => _registry.Get(nameOrUuid);

    /// <summary>
    /// Defines a VM with disks of its own (overlays on images and templates, made here) in one transaction
    /// with its volume rows. <paramref name="revert"/> removes the VM and its files unless committed.
    /// </summary>
    public async Task<Result<VmActor>> DefineAsync(VmSpec spec, bool fullCopies, Reverter revert, CancellationToken ct)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Clash(spec) is { } clash)
            {
                return clash;
            }

            revert.Add(() => DeleteFolder(spec.Uuid));
            Result<Provisioned> disks = await _disks.ProvisionAsync(spec, fullCopies, revert, ct).ConfigureAwait(false);
            if (!disks.IsOk)
            {
                return disks.Error;
            }

            return Define(disks.Value, revert);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>
    /// Defines a VM arriving by migration: its spec as the source had it (uuid, MACs and addresses kept), with
    /// <paramref name="volumes"/> (disks made here for it) owned by it. Undone by <paramref name="revert"/>.
    /// </summary>
    public async Task<Result<VmActor>> DefineIncomingAsync(VmSpec spec, IReadOnlyList<VolumeRecord> volumes, Reverter revert, CancellationToken ct)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return Define(new Provisioned(spec, volumes, []), revert);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>Whether a VM of this name or uuid exists here (a migration's destination asks before anything else).</summary>
    public HospesError? Clash(VmSpec spec)
    {
        if (_registry.Vms.FirstOrDefault(a => a.Record.Name == spec.Name) is { } clash)
        {
            return HospesError.Conflict($"a VM named '{spec.Name}' already exists ({clash.Record.State.ToString().ToLowerInvariant()}); choose another name, e.g. `hospes create FILE name={spec.Name}-2`");
        }

        if (_registry.Get(spec.Uuid) is { } sameUuid)
        {
            return HospesError.Conflict($"uuid {spec.Uuid} is already used by VM '{sameUuid.Record.Name}'; remove uuid= from the config or give another");
        }

        return null;
    }

    /// <summary>Forgets a VM that now lives on another host: its row, its own disks and folder (shared disks stay).</summary>
    public async Task ForgetAsync(VmActor actor, CancellationToken ct)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RemoveAsync(actor).ConfigureAwait(false);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>Deletes a VM (destroying it first with <paramref name="force"/>); the VM as it was is the result.</summary>
    public async Task<Result<VmActor>> DeleteAsync(string name, bool force, CancellationToken ct)
    {
        Result<VmActor> found = Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmActor actor = found.Value;
        VmRecord r = actor.Record;
        if (VmTransitions.Check(VmAction.Delete, new VmSubject(r.Name, r.State, actor.Pid is not null)) is { } refused)
        {
            if (!force)
            {
                return refused;
            }

            Result<VmRecord> destroyed = await actor.RunAsync(Commands.Destroy(), ct).ConfigureAwait(false);
            if (!destroyed.IsOk && actor.Pid is not null)
            {
                return destroyed.Error;
            }
        }

        await ForgetAsync(actor, ct).ConfigureAwait(false);
        return actor;
    }

    /// <summary>Restores a save file: into its VM if this host has it, else defines the VM from the file first.</summary>
    public async Task<Result<VmActor>> RestoreAsync(string path, bool paused, CancellationToken ct)
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
            else
            {
                Result<VmActor> defined = Define(new Provisioned(spec, [], []));
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

        Result<VmRecord> restored = await actor.RunAsync(Commands.Restore(path, paused), ct).ConfigureAwait(false);
        if (!restored.IsOk)
        {
            if (definedHere)
            {
                await RemoveAsync(actor).ConfigureAwait(false);
            }

            return restored.Error;
        }

        return actor;
    }

    /// <summary>Loads every VM from the state DB and reconciles it with what really runs.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        Load();
        await Task.WhenAll(_registry.Vms.Select(a => a.RunAsync(Commands.Reconcile(), ct))).WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>An actor for every VM of the state DB (none runs a command yet).</summary>
    public void Load()
    {
        foreach (VmRecord record in _db.LoadVms())
        {
            _registry.Add(NewActor(record));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (VmActor actor in _registry.Vms)
        {
            await actor.DisposeAsync().ConfigureAwait(false);
        }

        _namesGate.Dispose();
    }

    private VmActor NewActor(VmRecord record) => new(record, _db, _layout, _qemu, new GuestEvents(_launcher, _log), _time, _log);

    /// <summary><see cref="Define(Provisioned)"/>, undone by <paramref name="revert"/>.</summary>
    private Result<VmActor> Define(Provisioned provisioned, Reverter revert)
    {
        Result<VmActor> defined = Define(provisioned);
        if (defined.IsOk)
        {
            VmActor actor = defined.Value;
            revert.Add(() => RemoveAsync(actor));
        }

        return defined;
    }

    /// <summary>Adds a VM and its volume rows in one transaction. Caller holds the names gate.</summary>
    private Result<VmActor> Define(Provisioned p)
    {
        if (Clash(p.Spec) is { } clash)
        {
            return clash;
        }

        // Every vif's network exists, its MAC is unique here and it has its address: all before the row lands.
        Result<VmSpec> addressed = _networks.Assign(p.Spec, [.. _registry.Vms.Select(a => a.Record.Spec)]);
        if (!addressed.IsOk)
        {
            return addressed.Error;
        }

        VmSpec spec = addressed.Value;
        var record = new VmRecord { Spec = spec, CreatedAt = _time.GetUtcNow() };
        bool inserted = _db.InTransaction(tx =>
        {
            if (!tx.TryInsertVm(record))
            {
                return false;
            }

            foreach (VolumeRecord v in p.NewVolumes)
            {
                _ = tx.TryInsertVolume(v) ?? throw new HospesException(HospesError.Conflict($"the state DB already holds a volume at {v.Path}"));
            }

            foreach (VolumeRecord v in p.Attached)
            {
                tx.UpdateVolume(v);
            }

            return true;
        });
        if (!inserted)
        {
            return HospesError.Conflict($"the state DB already holds a VM named '{spec.Name}' or uuid {spec.Uuid}");
        }

        VmActor actor = NewActor(record);
        _registry.Add(actor);
        return actor;
    }

    /// <summary>Removes a VM, the disks it owns (rows and files) and its folder; detaches store disks it used.</summary>
    private async ValueTask RemoveAsync(VmActor actor)
    {
        _registry.Remove(actor.Record.Uuid);
        await actor.DisposeAsync().ConfigureAwait(false);
        Guid uuid = actor.Record.Uuid;
        var volumes = _db.LoadVolumes().Where(v => v.Vm == uuid).ToList();
        _db.InTransaction(tx =>
        {
            tx.DeleteVm(uuid);
            foreach (VolumeRecord v in volumes)
            {
                if (v.Kind == VolumeKind.VmDisk)
                {
                    tx.DeleteVolume(v.Id);
                }
                else
                {
                    tx.UpdateVolume(v with { Vm = null });
                }
            }
        });
        DeleteFolder(uuid);
        await _networks.ForgetVmAsync(actor.Record.Spec, CancellationToken.None).ConfigureAwait(false);
    }

    private void DeleteFolder(Guid uuid)
    {
        string dir = _layout.VmDir(uuid);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
