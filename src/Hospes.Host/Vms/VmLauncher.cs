using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Host;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;
using Hospes.Storage.Images;
using Hospes.Storage.Tiny;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>
/// Launches QEMU for a VM's current spec, in the VM's queue: bootloader, files, accelerator, admission, networks, the
/// command line, the process, taps on their bridges, vCPU pinning and the balloon, all before the guest's first
/// instruction (-S). Used by start, restore, restarts after a crash and incoming migrations.
/// </summary>
internal sealed class VmLauncher(
    HostOptions options,
    HostRuntime runtime,
    ImageStore images,
    SshKey ssh,
    MemoryService memory,
    Balloons balloons,
    NetworkService networks,
    IQemuLauncher qemuLauncher,
    StateDb db,
    ProjectQuotas quotas,
    ILogger log)
{
    /// <summary>The projects' limits, which every start passes.</summary>
    public ProjectQuotas Quotas => quotas;

    private readonly GuestHostKeys _hostKeys = new(new VmLayout(options));

    private readonly CpuCgroups _cgroups = CpuCgroups.For(options.StateDir);

    /// <summary>Where RAM files live (forkable VMs and forks) and when they go.</summary>
    public Forks.ForkRam Ram { get; } = new(options);
    private readonly QemuUsers? _users = options.QemuUids is { } uids && Environment.IsPrivilegedProcess ? new(uids, db) : null;

    /// <summary>
    /// Keeps LastError (why it crashed, before an automatic restart). <paramref name="ramMib"/>: the RAM an incoming
    /// stream was saved with (else the spec's maxmem). An incoming QEMU stays paused, waiting for its stream.
    /// <paramref name="migration"/>: a VM arriving by live migration, which its project's quota does not refuse: it runs
    /// already (on the source, where it was admitted), a refusal would fail an evacuation halfway, and the VM's usage
    /// counts here from then on like any other's.
    /// </summary>
    public async Task<Result<VmRecord>> LaunchAsync(VmSession vm, bool incoming, int? ramMib = null, bool migration = false, bool paused = false, bool agentChannel = true)
    {
        VmRecord r = vm.Record;
        VmSpec spec = r.Spec;
        if (BootloaderStep.Applies(spec))
        {
            Result<VmSpec> booted = await BootloaderStep.ApplyAsync(spec, vm.VmDir, incoming, CancellationToken.None).ConfigureAwait(false);
            if (!booted.IsOk)
            {
                return booted.Error;
            }

            spec = booted.Value;
        }

        Result<ResolvedVm> resolved = SpecResolver.Resolve(spec, images, ssh.PublicLine);
        if (!resolved.IsOk)
        {
            return resolved.Error;
        }

        Result<QemuBinary> qemu = await runtime.QemuAsync().ConfigureAwait(false);
        if (!qemu.IsOk)
        {
            return qemu.Error;
        }

        Result<Accelerator> accel = await runtime.ResolveAsync(r.Spec.Accel).ConfigureAwait(false);
        if (!accel.IsOk)
        {
            return accel.Error;
        }

        Result<IReadOnlyList<int>> cpus = r.Spec.CpuAffinity is { } list ? CpuAffinity.Parse(list) : Result.Ok<IReadOnlyList<int>>([]);
        if (!cpus.IsOk)
        {
            return cpus.Error;
        }

        int ram = ramMib ?? Math.Max(spec.MemoryMib, spec.MaxMemoryMib);
        Result<MemoryReservation> admitted = memory.Admit(r, ram);
        if (!admitted.IsOk)
        {
            return admitted.Error;
        }

        using MemoryReservation reservation = admitted.Value;

        // Every start of a QEMU (start, restore, a restart after a crash, create and clone with --start) is in its
        // project's quota; a reboot keeps its QEMU and passes nowhere near here.
        Result<IDisposable> quota = migration ? Result.Ok<IDisposable>(NoReservation.Instance) : quotas.AdmitStart(r);
        if (!quota.IsOk)
        {
            return quota.Error;
        }

        using IDisposable inQuota = quota.Value;

        // In a cluster the project's memory and vCPUs count every host: recorded there before QEMU runs (a start that
        // fails, or a hospesd that dies before QEMU does, leaves a record this host's next round takes back).
        if (!migration && await quotas.AdmitInClusterAsync(r, (r.Spec.MemoryMib, r.Spec.Vcpus), null, QuotaRequest.Start(r.Name, r.Spec.MemoryMib, r.Spec.Vcpus), CancellationToken.None).ConfigureAwait(false) is { } overCluster)
        {
            return overCluster;
        }

        Result<IReadOnlyList<string>> netdevs = await networks.PrepareAsync(spec, CancellationToken.None).ConfigureAwait(false);
        if (!netdevs.IsOk)
        {
            return netdevs.Error;
        }

        // The tiny guest's SSH server shows the host key hospesd keeps for it; `hospes ssh` refuses any other.
        var fwCfg = new List<(string Name, string Path)>();
        if (resolved.Value.TinySsh)
        {
            Result<GuestHostKey> hostKey = await _hostKeys.EnsureAsync(r.Uuid, CancellationToken.None).ConfigureAwait(false);
            if (hostKey.IsOk)
            {
                fwCfg.Add((TinyGuest.HostKeyFwCfgName, hostKey.Value.DropbearPath));
            }
            else
            {
                VmLog.NoHostKey(log, r.Name, hostKey.Error.Message);
            }
        }

        // QEMU opens its disks, taps, sockets and logs as root, then runs the guest as a uid of this VM's own; what it
        // needs later (a save file, a restore stream, migration keys) hospesd opens and hands over (QmpFiles).
        QemuUser? runAs = null;
        if (_users is not null)
        {
            Result<int> uid = _users.Claim(r);
            if (!uid.IsOk)
            {
                return uid.Error;
            }

            runAs = new QemuUser(uid.Value, uid.Value);
        }

        // An incoming state from a QEMU without the guest agent's channel (a hospesd older than it) names no such
        // device: this QEMU must not have it either.
        VmRuntimePaths paths = agentChannel ? vm.Paths : vm.Paths with { AgentSocket = null };
        (RamBacking? ramFile, IDisposable? ramHold) = RamFor(r, spec, incoming);
        using IDisposable? heldRam = ramHold;
        var launch = new QemuLaunchSpec
        {
            Ram = ramFile,
            RunAs = runAs,
            Spec = resolved.Value.Spec with { MaxMemoryMib = ram, MemoryMib = Math.Min(spec.MemoryMib, ram) },
            Paths = paths,
            Accel = accel.Value,
            HostCmdline = resolved.Value.HostCmdline,
            HostTscKhz = HostTsc.Khz,
            Incoming = incoming,
            NetdevBackends = netdevs.Value,
            FwCfgFiles = fwCfg,
            TcgTbSizeMib = options.TcgTbSizeMib,
        };
        Result<IReadOnlyList<string>> args = QemuCommandLineBuilder.Build(launch);
        if (!args.IsOk)
        {
            return args.Error;
        }

        Directory.CreateDirectory(vm.VmDir);
        Directory.CreateDirectory(options.EffectiveRunDir);
        await using var revert = new Reverter();
        // A fork's QEMU runs on small pages: of TCG's translation cache it then holds what it wrote, not whole 2 MiB pages.
        Result<IQemuProcess> started = await qemuLauncher.LaunchAsync(qemu.Value.Path, args.Value, paths, CancellationToken.None, smallPages: ramFile is { Private: true }).ConfigureAwait(false);
        if (!started.IsOk)
        {
            // A QEMU that failed in its init leaves its sockets behind; sockets that were there before (a conflict) are not ours.
            if (started.Error.Code != ErrorCode.Conflict)
            {
                qemuLauncher.RemoveRuntimeFiles(paths);
            }

            return started.Error with { Message = $"{r.Name}: {started.Error.Message}" };
        }

        IQemuProcess q = started.Value;
        revert.Add(async () =>
        {
            await q.KillAsync(CancellationToken.None).ConfigureAwait(false);
            await q.DisposeAsync().ConfigureAwait(false);
            qemuLauncher.RemoveRuntimeFiles(paths);
            _cgroups.Remove(r.Uuid);
        });

        // Its CPU cgroup (cpu_weight, cpu_cap) before the guest's first instruction. A host without a usable cpu
        // controller runs the guest unweighted, as it did before: refusing would stop every seed config (cpu_weight = 512).
        Result<bool> placed = _cgroups.Place(r.Uuid, q.Pid, paths.QmpSocket, spec.CpuWeight, spec.CpuCap);
        if (!placed.IsOk)
        {
            VmLog.NoCpuCgroup(log, r.Name, placed.Error.Message);
        }

        // QEMU made the taps; they join their bridges before the guest's first instruction.
        Result<bool> attached = await networks.AttachAsync(spec, CancellationToken.None).ConfigureAwait(false);
        if (!attached.IsOk)
        {
            return attached.Error;
        }

        IReadOnlyList<int> threads;
        try
        {
            threads = await q.Qmp.QueryVcpuThreadsAsync().ConfigureAwait(false);
            foreach (int tid in cpus.Value.Count > 0 ? threads : [])
            {
                Result<bool> pinned = CpuAffinity.Pin(tid, cpus.Value);
                if (!pinned.IsOk)
                {
                    return pinned.Error;
                }
            }

            // Booted with maxmem; the balloon takes the guest down to memory as soon as its driver loads.
            await balloons.StartAsync(q.Qmp, ram, Math.Min(spec.MemoryMib, ram), setTarget: true).ConfigureAwait(false);
            // paused: xl create -p, the guest's first instruction waits for unpause.
            if (!incoming && !paused)
            {
                await q.Qmp.ContAsync().ConfigureAwait(false);
            }
        }
        catch (QmpDisconnectedException)
        {
            // QEMU answered its monitor, then failed to set the machine up (e.g. an unreadable kernel).
            await q.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            return HospesError.Unavailable($"{r.Name}: QEMU refused to start{vm.QemuLogTail()}");
        }

        // Recorded while the reverter still owns the QEMU: a state DB that cannot take the record (disk full) ends
        // this QEMU instead of leaving it running unknown to the next hospesd.
        int domId = db.NextDomId();
        string machine = MachineChooser.Choose(launch.Spec).Value;
        string accelName = accel.Value.ToString().ToLowerInvariant();
        vm.Commit(r with
        {
            // A restore stays saved (its file still holds the guest) until its stream is in; an incoming migration waits paused.
            State = !incoming && !paused ? VmState.Running : r.State == VmState.Saved ? VmState.Saved : VmState.Paused,
            DomId = domId,
            Pid = q.Pid,
            Machine = machine,
            Accel = accelName,
            StartedAt = vm.Time.GetUtcNow(),
            SavePath = incoming ? r.SavePath : null,
            QemuUid = runAs?.Uid,
            RamFile = ramFile?.Path,
        });
        revert.Commit();
        vm.Attach(q, threads);
        VmLog.Started(log, r.Name, q.Pid, domId, machine, accelName);
        return vm.Record;
    }

    /// <summary>
    /// The guest's RAM file: a fork's, mapped privately, for a QEMU that receives the state saved at a fork point (the
    /// record names the file); else a forkable VM's own, shared, made afresh (a file left by an earlier run holds another
    /// boot's memory). Held from the sweep until the record names it.
    /// </summary>
    private (RamBacking? Ram, IDisposable? Hold) RamFor(VmRecord r, VmSpec spec, bool incoming)
    {
        if (incoming && r.RamFile is { } fork && Forks.ForkRam.IsForkRam(fork))
        {
            return (new RamBacking(fork, Private: true), Ram.Hold(fork));
        }

        if (!spec.Forkable)
        {
            return (null, null);
        }

        Ram.EnsureRoot();
        string own = Ram.OwnFile(r.Uuid);
        IDisposable hold = Ram.Hold(own);
        File.Delete(own);
        return (new RamBacking(own, Private: false), hold);
    }
}

/// <summary>A start outside any project's quota (an incoming migration).</summary>
internal sealed class NoReservation : IDisposable
{
    public static NoReservation Instance { get; } = new();

    public void Dispose()
    {
    }
}
