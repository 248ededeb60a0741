using Hospes.Host.State;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Console;
using Hospes.Host.Memory;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Host;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    public Task<Result<VmRecord>> StartAsync() => EnqueueAsync<VmRecord>(async () =>
    {
        VmRecord r = Record;
        if (r.State == VmState.Saved && r.SavePath is { } savePath)
        {
            return await RestoreCoreAsync(savePath, paused: false).ConfigureAwait(false);
        }

        if (r.State is not (VmState.Shutoff or VmState.Crashed))
        {
            return NotAllowed("start");
        }

        if (_qemu is not null)
        {
            // A crashed guest whose QEMU was preserved: destroy it first so disks are not opened twice.
            return NotAllowed("start");
        }

        Commit(r with { LastError = null });
        return await StartCoreAsync(incoming: false).ConfigureAwait(false);
    });

    /// <summary>
    /// Launches QEMU for the current spec. Runs inside the queue; keeps LastError (why it crashed, before an automatic
    /// restart). <paramref name="ramMib"/>: the RAM an incoming stream was saved with (else the spec's maxmem).
    /// </summary>
    private async Task<Result<VmRecord>> StartCoreAsync(bool incoming, int? ramMib = null)
    {
        VmRecord r = Record;
        VmSpec spec = r.Spec;
        if (BootloaderStep.Applies(spec))
        {
            Result<VmSpec> booted = await BootloaderStep.ApplyAsync(spec, _ctx.VmDir(r.Uuid), CancellationToken.None).ConfigureAwait(false);
            if (!booted.IsOk)
            {
                return booted.Error;
            }

            spec = booted.Value;
        }

        Result<ResolvedVm> resolved = SpecResolver.Resolve(spec, _ctx.Images, _ctx.Ssh.PublicLine);
        if (!resolved.IsOk)
        {
            return resolved.Error;
        }

        Result<QemuBinary> qemu = await _ctx.Runtime.QemuAsync().ConfigureAwait(false);
        if (!qemu.IsOk)
        {
            return qemu.Error;
        }

        Result<Accelerator> accel = await _ctx.Runtime.ResolveAsync(r.Spec.Accel).ConfigureAwait(false);
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
        Result<MemoryReservation> admitted = _ctx.Memory.Admit(r, ram);
        if (!admitted.IsOk)
        {
            return admitted.Error;
        }

        using MemoryReservation reservation = admitted.Value;
        Result<IReadOnlyList<string>> netdevs = await _ctx.Networks.PrepareAsync(spec, CancellationToken.None).ConfigureAwait(false);
        if (!netdevs.IsOk)
        {
            return netdevs.Error;
        }

        VmRuntimePaths paths = _ctx.Paths(r.Uuid);
        var launch = new QemuLaunchSpec
        {
            Spec = resolved.Value.Spec with { MaxMemoryMib = ram, MemoryMib = Math.Min(spec.MemoryMib, ram) },
            Paths = paths,
            Accel = accel.Value,
            HostCmdline = resolved.Value.HostCmdline,
            HostTscKhz = HostTsc.Khz,
            Incoming = incoming,
            NetdevBackends = netdevs.Value,
            TcgTbSizeMib = _ctx.Options.TcgTbSizeMib,
        };
        Result<IReadOnlyList<string>> args = QemuCommandLineBuilder.Build(launch);
        if (!args.IsOk)
        {
            return args.Error;
        }

        Directory.CreateDirectory(_ctx.VmDir(r.Uuid));
        Directory.CreateDirectory(_ctx.Options.EffectiveRunDir);
        await using var revert = new Reverter();
        revert.Add(() => _ctx.Launcher.RemoveRuntimeFiles(paths));
        Result<IQemuProcess> started = await _ctx.Launcher.LaunchAsync(qemu.Value.Path, args.Value, paths, CancellationToken.None).ConfigureAwait(false);
        if (!started.IsOk)
        {
            return started.Error with { Message = $"{r.Name}: {started.Error.Message}" };
        }

        IQemuProcess q = started.Value;
        revert.Add(async () =>
        {
            await q.KillAsync(CancellationToken.None).ConfigureAwait(false);
            await q.DisposeAsync().ConfigureAwait(false);
        });

        // QEMU made the taps; they join their bridges before the guest's first instruction.
        Result<bool> attached = await _ctx.Networks.AttachAsync(spec, CancellationToken.None).ConfigureAwait(false);
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
            await StartBalloonAsync(q.Qmp, ram, Math.Min(spec.MemoryMib, ram), setTarget: true).ConfigureAwait(false);
            if (!incoming)
            {
                await q.Qmp.ContAsync().ConfigureAwait(false);
            }
        }
        catch (QmpDisconnectedException)
        {
            // QEMU answered its monitor, then failed to set the machine up (e.g. an unreadable kernel).
            await q.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            return HospesError.Unavailable($"{r.Name}: QEMU refused to start{QemuLogTail()}");
        }

        int domId = _ctx.Db.NextDomId();
        revert.Commit();
        Attach(q, threads);
        string machine = MachineChooser.Choose(launch.Spec).Value;
        string accelName = accel.Value.ToString().ToLowerInvariant();
        Commit(r with
        {
            State = incoming ? VmState.Paused : VmState.Running,
            DomId = domId,
            Pid = q.Pid,
            Machine = machine,
            Accel = accelName,
            StartedAt = _ctx.Time.GetUtcNow(),
            SavePath = null,
        });
        LogStarted(r.Name, q.Pid, domId, machine, accelName);
        return Record;
    }

    /// <summary>Takes ownership of a QEMU: its events and its exit now flow into this queue.</summary>
    private void Attach(IQemuProcess q, IReadOnlyList<int> vcpuThreads)
    {
        _qemu = q;
        _vcpuThreads = vcpuThreads;
        _rebootRequested = false;
        _console = new ConsoleHub(_ctx.Paths(Record.Uuid).ConsoleSocket);
        _ = Task.Run(async () =>
        {
            await foreach (QmpEvent e in q.Qmp.Events.ReadAllAsync().ConfigureAwait(false))
            {
                if (e.Name == "STOP")
                {
                    _lastStopAt = e.Timestamp; // a migration's downtime starts here
                }
                else if (e.Name == "MIGRATION")
                {
                    if (e.GetString("status") == "completed")
                    {
                        _lastMigratedAt = e.Timestamp;
                    }

                    Interlocked.Exchange(ref _migrationChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }

                Post(() => OnEventAsync(q, e));
            }

            Post(() => OnQemuExitedAsync(q));
        });
    }

    /// <summary>Forgets the current QEMU (already stopped, or left running when hospesd exits).</summary>
    private async Task DetachQemuAsync()
    {
        IQemuProcess? q = _qemu;
        ConsoleHub? console = _console;
        _qemu = null;
        _console = null;
        _vcpuThreads = [];
        ForgetMemory();
        if (console is not null)
        {
            await console.DisposeAsync().ConfigureAwait(false);
        }

        if (q is not null)
        {
            await q.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the current QEMU for good: quit (flushes disks), SIGKILL if it does not go.</summary>
    private async Task StopQemuAsync()
    {
        IQemuProcess? q = _qemu;
        if (q is null)
        {
            return;
        }

        try
        {
            await q.Qmp.QuitAsync().WaitAsync(TimeSpan.FromSeconds(5), _ctx.Time).ConfigureAwait(false);
            await q.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpDisconnectedException or TimeoutException or QmpException)
        {
        }

        if (q.IsAlive)
        {
            await q.KillAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await DetachQemuAsync().ConfigureAwait(false);
        _ctx.Launcher.RemoveRuntimeFiles(_ctx.Paths(Record.Uuid));
    }

    private static VmRecord Stopped(VmRecord r, VmState state, string? error = null) =>
        r with { State = state, DomId = null, Pid = null, LastError = error ?? r.LastError };
}
