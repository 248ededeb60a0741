using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms.Commands;
using Hospes.Qemu.Launch;
using Hospes.Storage.Bootloader;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>The host's VMs: defines, finds, deletes and restores them; each VM's own work goes to its actor as a command.</summary>
internal sealed partial class VmManager : IAsyncDisposable
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

    // In a cluster a name is defined here only once this host owns it there (issue 17).
    private readonly IVmClaims _claims;

    // Defining, deleting and restoring change which names exist: one at a time keeps names unique.
    private readonly SemaphoreSlim _namesGate = new(1, 1);

    // Names and uuids of VMs about to be defined by an incoming migration (which makes their files first), by uuid.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string> _reserved = new();

    public VmManager(
        StateDb db,
        VmLayout layout,
        VmRegistry<VmActor> registry,
        DiskProvisioner disks,
        NetworkService networks,
        IQemuLauncher qemu,
        VmLauncher launcher,
        VmCommands commands,
        HostEvents events,
        TimeProvider time,
        ILogger log,
        IVmClaims? claims = null)
    {
        _claims = claims ?? NoVmClaims.Instance;
        Events = events;
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

    /// <summary>The host's event hub: the VMs' actors publish their changes there, and so do clone and migration runs.</summary>
    public HostEvents Events { get; }

    /// <summary>The projects' limits: defining checks the count of VMs, every start their memory and vCPUs.</summary>
    public ProjectQuotas Quotas => _launcher.Quotas;

    /// <summary>Whether a vif's bridge= (null: the default network) resolves to a Hospes network or a host bridge here.</summary>
    public bool NetworkExists(string? bridge) => _networks.Resolve(new VifSpec { Bridge = bridge }, _networks.All).IsOk;

    public IReadOnlyList<VmActor> All => _registry.Vms;

    public Result<VmActor> Find(string nameOrUuid) => _registry.Get(nameOrUuid);

    /// <summary>
    /// Defines a VM with disks of its own (overlays on images and templates, made here) in one transaction
    /// with its volume rows. <paramref name="revert"/> removes the VM and its files unless committed.
    /// </summary>
    public async Task<Result<VmActor>> DefineAsync(VmSpec spec, bool fullCopies, Reverter revert, CancellationToken ct, string project = StateDb.DefaultProject)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Clash(spec) is { } clash)
            {
                return clash;
            }

            // Under the names gate, before any disk is made: two defines cannot both take a project's last VM.
            if (Quotas.Check(project, QuotaRequest.Create(spec.Name, 0, 0, start: false)) is { } refused)
            {
                return refused;
            }

            // ha = 1: only disks every host of the cluster has (issue 17).
            if (Cluster.Ha.HaRules.Refusal(spec, _layout.Options.SharedDirs) is { } notShared)
            {
                return notShared;
            }

            // In a cluster the project's VM limit counts every host's VMs: checked and claimed in one etcd transaction.
            if (await _claims.ClaimAsync(spec.Name, spec.Uuid, project, admit: true, ct).ConfigureAwait(false) is { } notOwned)
            {
                return notOwned;
            }

            revert.Add(async () => await _claims.ReleaseAsync(spec.Name, CancellationToken.None).ConfigureAwait(false));
            revert.Add(() => DeleteFolder(spec.Uuid));
            Result<Provisioned> disks = await _disks.ProvisionAsync(spec, fullCopies, revert, ct).ConfigureAwait(false);
            if (!disks.IsOk)
            {
                return disks.Error;
            }

            Result<VmActor> defined = Define(disks.Value, revert, project: project);
            if (defined.IsOk && spec.Ha && _claims is Cluster.Ha.IHaRecords ha)
            {
                // The definition goes to the cluster's store, so another host can start the VM when this one dies.
                if (await ha.RecordHaAsync(defined.Value.Record, ct).ConfigureAwait(false) is { } notRecorded)
                {
                    return notRecorded;
                }

                revert.Add(async () => await ha.ForgetHaAsync(spec.Name, CancellationToken.None).ConfigureAwait(false));
            }

            return defined;
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>
    /// Reserves <paramref name="spec"/>'s name and uuid for a VM that an incoming migration defines once its disks are
    /// made: until the reservation is disposed, every other define (another offer, a local create) sees them taken, so
    /// nothing made for this VM, nor its undo, can touch another's. Dispose it after the undo.
    /// </summary>
    public async Task<Result<IDisposable>> ReserveAsync(VmSpec spec, CancellationToken ct)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Clash(spec) is { } clash)
            {
                return clash;
            }

            _reserved[spec.Uuid] = spec.Name;
            return new Reservation(this, spec.Uuid);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>
    /// Defines a VM arriving by migration (reserved with <see cref="ReserveAsync"/>): its spec as the source had it
    /// (uuid, MACs and addresses kept), with <paramref name="volumes"/> (disks made here for it) owned by it. Undone by
    /// <paramref name="revert"/>.
    /// </summary>
    public async Task<Result<VmActor>> DefineIncomingAsync(VmSpec spec, IReadOnlyList<VolumeRecord> volumes, Reverter revert, CancellationToken ct, string project = StateDb.DefaultProject)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // No quota: the VM runs already (admitted on the source); refusing it would fail an evacuation halfway.
            return Define(new Provisioned(spec, volumes, []), revert, reservedFor: spec.Uuid, project: project);
        }
        finally
        {
            _namesGate.Release();
        }
    }

    /// <summary>
    /// Whether a VM of this name or uuid exists here or is about to arrive (a migration's destination asks before
    /// anything else); <paramref name="reservedFor"/> is the arriving VM's own reservation, which does not count.
    /// </summary>
    public HospesError? Clash(VmSpec spec, Guid? reservedFor = null)
    {
        if (_registry.Vms.FirstOrDefault(a => a.Record.Name == spec.Name) is { } clash)
        {
            return HospesError.Conflict($"a VM named '{spec.Name}' already exists ({clash.Record.State.ToString().ToLowerInvariant()}); choose another name, e.g. `hospes create FILE name={spec.Name}-2`");
        }

        if (_renaming.TryGetValue(spec.Name, out Guid renamed) && renamed != reservedFor)
        {
            return HospesError.Conflict($"VM '{_registry.Get(renamed)?.Record.Name}' is being renamed to '{spec.Name}'; choose another name");
        }

        if (_registry.Get(spec.Uuid) is { } sameUuid)
        {
            return HospesError.Conflict($"uuid {spec.Uuid} is already used by VM '{sameUuid.Record.Name}'; remove uuid= from the config or give another");
        }

        if (_reserved.FirstOrDefault(r => r.Key != reservedFor && (r.Key == spec.Uuid || r.Value == spec.Name)) is { Value: { } arriving })
        {
            return HospesError.Conflict($"a VM named '{arriving}' with {(arriving == spec.Name ? "that name" : $"uuid {spec.Uuid}")} is arriving here by another migration; wait until it ends, or choose another name");
        }

        return null;
    }

    /// <summary>
    /// Forgets a VM that is no longer this host's: one that migrated away ended in its queue already; one whose incoming
    /// migration is dropped ends now, in its queue (its QEMU stops, its rows go, whatever waits behind is refused). Then
    /// its own disks and folder go (shared disks stay).
    /// </summary>
    public async Task ForgetAsync(VmActor actor, CancellationToken ct) => await RemoveAsync(actor, VmPresence.Dropped).ConfigureAwait(false);

    /// <summary>Deletes a VM (destroying it first with <paramref name="force"/>); the VM as it was is the result.</summary>
    public async Task<Result<VmActor>> DeleteAsync(string name, bool force, CancellationToken ct)
    {
        Result<VmActor> found = Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        // The state is checked, the VM destroyed and its rows removed in one step of its queue: a start that
        // waits behind it finds the VM deleted instead of booting a QEMU whose folder is about to go.
        VmActor actor = found.Value;
        Result<VmRecord> ended = await actor.RunAsync(new ForgetCommand(VmPresence.Deleted, force, _log), ct).ConfigureAwait(false);
        if (!ended.IsOk)
        {
            return ended.Error;
        }

        await RemoveAsync(actor, VmPresence.Deleted).ConfigureAwait(false);
        await _claims.ReleaseAsync(actor.Record.Name, ct).ConfigureAwait(false);
        if (actor.Record.Spec.Ha && _claims is Cluster.Ha.IHaRecords ha)
        {
            await ha.ForgetHaAsync(actor.Record.Name, ct).ConfigureAwait(false);
        }

        return actor;
    }

    /// <summary>Loads every VM from the state DB and reconciles it with what really runs.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        Load();
        await Task.WhenAll(_registry.Vms.Select(a => a.RunAsync(Commands.Reconcile(), ct))).WaitAsync(ct).ConfigureAwait(false);

        // The CPU cgroups of QEMUs that ended while hospesd was away (killed) go now.
        CpuCgroups.For(_layout.Options.StateDir).Sweep(_registry.Vms.Where(a => a.Pid is not null).Select(a => a.Record.Uuid).ToHashSet());
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

        CpuCgroups.For(_layout.Options.StateDir).RemoveRootIfEmpty();
        _namesGate.Dispose();
    }

    private VmActor NewActor(VmRecord record) => new(record, _db, _layout, _qemu, new GuestEvents(_launcher, _log), Events, _time, _log);

    /// <summary><see cref="Define(Provisioned, Guid?)"/>, undone by <paramref name="revert"/>.</summary>
    private Result<VmActor> Define(Provisioned provisioned, Reverter revert, Guid? reservedFor = null, string project = StateDb.DefaultProject)
    {
        Result<VmActor> defined = Define(provisioned, reservedFor, project);
        if (defined.IsOk)
        {
            VmActor actor = defined.Value;
            revert.Add(() => RemoveAsync(actor, VmPresence.Deleted));
        }

        return defined;
    }

    /// <summary>Adds a VM and its volume rows in one transaction. Caller holds the names gate.</summary>
    private Result<VmActor> Define(Provisioned p, Guid? reservedFor = null, string project = StateDb.DefaultProject)
    {
        if (Clash(p.Spec, reservedFor) is { } clash)
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

        // A bios = 'ovmf' guest's UEFI variable store is there from its definition on, so a migration's destination
        // (which defines the VM, then starts QEMU for the incoming stream) has one too.
        string? vars = _layout.Paths(spec.Uuid).FirmwareVars;
        Result<bool> firmware = FirmwareVars.Ensure(spec, vars);
        if (!firmware.IsOk)
        {
            return firmware.Error;
        }

        var record = new VmRecord { Spec = spec, CreatedAt = _time.GetUtcNow(), Project = project };
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
        Events.Publish(() => new HostEvent { Type = HostEventTypes.VmDefined, Vm = spec.Name, VmUuid = spec.Uuid, Project = record.Project, State = record.State });
        return actor;
    }

    /// <summary>
    /// Removes a VM, the disks it owns (rows and files) and its folder; detaches store disks it used. Its end runs in
    /// its queue first (unless it ended already), so no command slips in between and no QEMU of it is left running.
    /// </summary>
    private async ValueTask RemoveAsync(VmActor actor, VmPresence why)
    {
        if (actor.Presence == VmPresence.Here)
        {
            Result<VmRecord> ended = await actor.RunAsync(new ForgetCommand(why, force: true, _log)).ConfigureAwait(false);
            if (!ended.IsOk && actor.Presence == VmPresence.Here)
            {
                throw new HospesException(ended.Error);
            }
        }

        await _namesGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _registry.Remove(actor.Record.Uuid);
            await actor.DisposeAsync().ConfigureAwait(false);
            VmRows.Delete(_db, actor.Record.Uuid);

            // A boot-loader run cut off by a timeout may have left its FUSE export mounted in the folder (busy, undeletable).
            await BootExportCleanup.StopUnderAsync(_layout.VmDir(actor.Record.Uuid)).ConfigureAwait(false);
            DeleteFolder(actor.Record.Uuid);
        }
        finally
        {
            _namesGate.Release();
        }

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

    private sealed class Reservation(VmManager vms, Guid uuid) : IDisposable
    {
        public void Dispose() => vms._reserved.TryRemove(uuid, out _);
    }
}
