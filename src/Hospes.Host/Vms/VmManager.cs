using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hospes.Config;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Edge;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Vms;

/// <summary>The host's VMs: defines, finds, deletes and restores them; each VM's own work goes to its actor.</summary>
internal sealed partial class VmManager : IAsyncDisposable
{
    private readonly VmContext _ctx;
    private readonly DiskProvisioner _disks;
    private readonly ConcurrentDictionary<Guid, VmActor> _actors = new();

    // Defining, deleting and restoring change which names exist: one at a time keeps names unique.
    private readonly SemaphoreSlim _namesGate = new(1, 1);

    public VmManager(VmContext ctx, DiskProvisioner disks)
    {
        _ctx = ctx;
        _disks = disks;
    }

    public IReadOnlyList<VmActor> All => [.. _actors.Values.OrderBy(a => a.Record.Name, StringComparer.Ordinal)];

    public Result<VmActor> Find(string nameOrUuid)
    {
        VmActor? actor = _actors.Values.FirstOrDefault(a => a.Record.Name == nameOrUuid)
            ?? (Guid.TryParse(nameOrUuid, out Guid id) && _actors.TryGetValue(id, out var byId) ? byId : null);
        return actor is null
            ? HospesError.NotFound($"no VM named '{nameOrUuid}' on this host; `hospes list` shows the VMs")
            : actor;
    }

    /// <summary>Reads a config strictly (as create does) and defines the VM; starts it when asked.</summary>
    public async Task<Result<CreateVmResponse>> CreateAsync(CreateVmRequest request, CancellationToken ct)
    {
        ConfigReadResult read = ReadConfig(request.Source, strict: true);
        List<Diagnostic> diagnostics = [.. read.Diagnostics.Select(ToDiagnostic)];
        if (read.Spec is null)
        {
            var errors = diagnostics.Where(d => d.Severity == "error").ToList();
            return new HospesError(ErrorCode.InvalidArgument, $"{request.Source.ConfigPath}: {errors.Count} problem(s); nothing was created: {errors[0].Rendered}")
            {
                Details = [.. diagnostics.Select(d => d.Rendered)],
            };
        }

        VmActor actor;
        await using (var revert = new Reverter())
        {
            Result<VmActor> defined = await DefineAsync(WithIdentity(read.Spec), fullCopies: false, revert, ct).ConfigureAwait(false);
            if (!defined.IsOk)
            {
                return defined.Error;
            }

            actor = defined.Value;
            if (request.Start)
            {
                Result<VmRecord> started = await actor.StartAsync().ConfigureAwait(false);
                if (!started.IsOk)
                {
                    return started.Error with { Message = $"{started.Error.Message}; nothing was created" };
                }
            }

            revert.Commit();
        }

        return new CreateVmResponse(VmInfoFactory.Create(actor, _ctx), [.. diagnostics.Where(d => d.Severity == "warning")]);
    }

    /// <summary>
    /// Defines a VM with disks of its own (overlays on images and templates, made here) in one transaction
    /// with its volume rows. <paramref name="revert"/> removes the VM and its files unless committed.
    /// </summary>
    public async Task<Result<VmActor>> DefineAsync(VmSpec spec, bool fullCopies, Reverter revert, CancellationToken ct)
    {
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (NameClash(spec) is { } clash)
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

    /// <summary>Whether a VM of this name or uuid exists here (a migration's destination asks before anything else).</summary>
    public HospesError? Clash(VmSpec spec) => NameClash(spec);

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

    /// <summary>A spec with a fresh uuid and fresh MACs (every clone gets its own identity).</summary>
    public static VmSpec WithNewIdentity(VmSpec spec, string name) => WithIdentity(spec with
    {
        Name = name,
        Uuid = Guid.Empty,
        Vifs = [.. spec.Vifs.Select(v => v with { Mac = null, Ip = null })],
    });

    /// <summary>Parses and validates without defining anything (`hospes config check`).</summary>
    public static ConfigCheckResponse Check(ConfigRequest source)
    {
        ConfigReadResult read = ReadConfig(source, strict: false);
        return new ConfigCheckResponse
        {
            Ok = !read.HasErrors,
            Diagnostics = [.. read.Diagnostics.Select(ToDiagnostic)],
            Spec = read.Spec is null ? null : WireSpec.ToWire(read.Spec),
            Normalized = read.Spec is null ? null : XenConfigWriter.Write(read.Spec),
        };
    }

    public async Task<Result<VmInfo>> DeleteAsync(string name, bool force, CancellationToken ct)
    {
        Result<VmActor> found = Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmActor actor = found.Value;
        VmRecord r = actor.Record;
        if (r.State is VmState.Running or VmState.Paused or VmState.Preserved || actor.Pid is not null)
        {
            if (!force)
            {
                return HospesError.State($"cannot delete {r.Name}: it is {r.State.ToString().ToLowerInvariant()}; shut it down or destroy it first, or use --force");
            }

            Result<VmRecord> destroyed = await actor.DestroyAsync().ConfigureAwait(false);
            if (!destroyed.IsOk && actor.Pid is not null)
            {
                return destroyed.Error;
            }
        }

        VmInfo info = VmInfoFactory.Create(actor, _ctx);
        await _namesGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RemoveAsync(actor).ConfigureAwait(false);
        }
        finally
        {
            _namesGate.Release();
        }

        return info;
    }

    /// <summary>Restores a save file: into its VM if this host has it, else defines the VM from the file first.</summary>
    public async Task<Result<VmInfo>> RestoreAsync(RestoreRequest request, CancellationToken ct)
    {
        Result<SaveHeader> header = SaveFile.ReadHeader(request.Path);
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
            if (_actors.TryGetValue(spec.Uuid, out var existing))
            {
                actor = existing;
                VmRecord r = actor.Record;
                if (r.State != VmState.Saved || r.SavePath != request.Path)
                {
                    string why = r.State == VmState.Saved
                        ? $"its latest save is {r.SavePath}, not this file"
                        : $"it is {r.State.ToString().ToLowerInvariant()} and may have written to its disks since this save";
                    return HospesError.State($"cannot restore {r.Name} from {request.Path}: {why}; restoring would not match its disks");
                }
            }
            else
            {
                Result<VmActor> defined = Define(spec);
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

        Result<VmRecord> restored = await actor.RestoreAsync(request.Path, request.Paused).ConfigureAwait(false);
        if (!restored.IsOk)
        {
            if (definedHere)
            {
                await RemoveAsync(actor).ConfigureAwait(false);
            }

            return restored.Error;
        }

        return VmInfoFactory.Create(actor, _ctx);
    }

    /// <summary>Loads every VM from the state DB and reconciles it with what really runs.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        foreach (VmRecord record in _ctx.Db.LoadVms())
        {
            var actor = new VmActor(_ctx, record);
            _actors[record.Uuid] = actor;
        }

        await Task.WhenAll(_actors.Values.Select(a => a.ReconcileAsync())).WaitAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (VmActor actor in _actors.Values)
        {
            await actor.DisposeAsync().ConfigureAwait(false);
        }

        _namesGate.Dispose();
    }

    private static ConfigReadResult ReadConfig(ConfigRequest source, bool strict) =>
        XenConfigReader.Read(
            new XenConfigSource(source.Config, source.ConfigPath) { Overrides = source.Overrides },
            new ConfigReadOptions { StrictHost = strict, Host = new HostFacts() });

    private HospesError? NameClash(VmSpec spec)
    {
        if (_actors.Values.FirstOrDefault(a => a.Record.Name == spec.Name) is { } clash)
        {
            return HospesError.Conflict($"a VM named '{spec.Name}' already exists ({clash.Record.State.ToString().ToLowerInvariant()}); choose another name, e.g. `hospes create FILE name={spec.Name}-2`");
        }

        if (_actors.TryGetValue(spec.Uuid, out var sameUuid))
        {
            return HospesError.Conflict($"uuid {spec.Uuid} is already used by VM '{sameUuid.Record.Name}'; remove uuid= from the config or give another");
        }

        return null;
    }

    /// <summary>Adds a VM to the DB and the registry. Caller holds the names gate.</summary>
    private Result<VmActor> Define(VmSpec spec) => Define(new Provisioned(spec, [], []));

    /// <summary>Adds a VM and its volume rows in one transaction. Caller holds the names gate.</summary>
    private Result<VmActor> Define(Provisioned p)
    {
        if (NameClash(p.Spec) is { } clash)
        {
            return clash;
        }

        // Every vif's network exists, its MAC is unique here and it has its address: all before the row lands.
        Result<VmSpec> addressed = _ctx.Networks.Assign(p.Spec, [.. _actors.Values.Select(a => a.Record.Spec)]);
        if (!addressed.IsOk)
        {
            return addressed.Error;
        }

        VmSpec spec = addressed.Value;

        var record = new VmRecord { Spec = spec, CreatedAt = _ctx.Time.GetUtcNow() };
        bool inserted = _ctx.Db.InTransaction(tx =>
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

        var actor = new VmActor(_ctx, record);
        _actors[spec.Uuid] = actor;
        return actor;
    }

    /// <summary>Removes a VM, the disks it owns (rows and files) and its folder; detaches store disks it used.</summary>
    private async ValueTask RemoveAsync(VmActor actor)
    {
        _actors.TryRemove(actor.Record.Uuid, out _);
        await actor.DisposeAsync().ConfigureAwait(false);
        Guid uuid = actor.Record.Uuid;
        var volumes = _ctx.Db.LoadVolumes().Where(v => v.Vm == uuid).ToList();
        _ctx.Db.InTransaction(tx =>
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
        await _ctx.Networks.ForgetVmAsync(actor.Record.Spec, CancellationToken.None).ConfigureAwait(false);
    }

    private void DeleteFolder(Guid uuid)
    {
        string dir = _ctx.VmDir(uuid);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A uuid and MACs for what the config left open; they stay for the VM's life.</summary>
    private static VmSpec WithIdentity(VmSpec spec) => spec with
    {
        Uuid = spec.Uuid == Guid.Empty ? Guid.NewGuid() : spec.Uuid,
        Vifs = [.. spec.Vifs.Select(v => v.Mac is null ? v with { Mac = RandomMac() } : v)],
    };

    /// <summary>52:54:00 is QEMU's locally administered prefix; the rest is random.</summary>
    private static string RandomMac()
    {
        Span<byte> b = stackalloc byte[3];
        RandomNumberGenerator.Fill(b);
        return $"52:54:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}";
    }

    private static Diagnostic ToDiagnostic(ConfigDiagnostic d) => new()
    {
        Severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
        File = d.File,
        Line = d.Line,
        Column = d.Column,
        Text = d.Text,
        Message = d.Message,
        HostDependent = d.HostDependent,
        Rendered = d.ToString(),
    };
}
