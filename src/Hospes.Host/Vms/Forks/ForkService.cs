using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Machine;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Vms.Agent;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// `hospes fork VM NAME --count N`: N running copies of a running VM whose RAM they share copy-on-write; the VM runs on.
/// Children are defined first (everything refused before the parent is touched), then the fork point in the parent's
/// queue (<see cref="ForkPoint"/>), then every child in its own queue, a few at a time (<see cref="ForkChild"/>). A
/// journal in the fork's folder lets a restarted hospesd finish what a kill cut short (<see cref="SettleAsync"/>).
/// </summary>
internal sealed partial class ForkService(VmManager vms, VmCommands commands, GuestAgent agent, ForkDisks disks, TimeProvider time, ILogger log) : IAsyncDisposable
{
    public const int MaxForks = 1000;

    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    // How long a fork's agent has to answer while it takes its identity. Many forks starting at once share the CPU: with
    // 75 tiny guests on 2 cores an agent took 2-4.5 s to answer a ping, so the usual 5 s failed every fork's identity.
    private static readonly TimeSpan IdentityAnswer = TimeSpan.FromSeconds(60);

    // How many children start at once. A child does not boot: its QEMU starts, maps the file and loads a few MB of device
    // state, and between those steps hospesd waits on QMP round trips, a DB commit, the cgroup and the taps; more than a
    // cold boot's 2 per core keep the cores busy through those waits.
    private static readonly int ChildStarts = Math.Max(8, HostMachine.CpuCount * 8);
    private readonly CancellationTokenSource _stop = new();
    private Task _sweeps = Task.CompletedTask;

    public ForkRam Ram => vms.Ram;

    /// <summary>Everything that refuses a fork before anything is made; the children's names when it may go ahead.</summary>
    public Result<IReadOnlyList<string>> Plan(VmActor parent, ForkOrder order)
    {
        VmRecord r = parent.Record;
        bool frozen = IsFrozen(r);
        if (!frozen && ForkPoint.Refusal(r, ownMemoryFirst: true) is { } refused)
        {
            return refused;
        }

        if (order.Template && (order.Count != 1 || order.Name.Contains("{i}", StringComparison.Ordinal)))
        {
            return HospesError.Invalid($"a running template of {r.Name} is one VM: give one name, without {{i}} or --count; nothing was made");
        }

        if (File.Exists(parent.Layout.MigrationJournal(r.Uuid)))
        {
            return HospesError.State($"cannot fork {r.Name}: it is being migrated; wait until the migration ends");
        }

        if ((frozen ? disks.FrozenPlan(r) : disks.Plan(r, Guid.Empty)) is { IsOk: false } disk)
        {
            return disk.Error;
        }

        Result<IReadOnlyList<string>> names = NamePattern.Expand(order.Name, order.Count, MaxForks, "fork", "forking");
        if (!names.IsOk)
        {
            return names.Error;
        }

        var taken = vms.All.Select(a => a.Record.Name).ToHashSet(StringComparer.Ordinal);
        if (names.Value.FirstOrDefault(taken.Contains) is { } clash)
        {
            return HospesError.Conflict($"cannot fork {r.Name}: a VM named '{clash}' already exists; choose another name pattern; nothing was forked");
        }

        if (vms.Quotas.Check(r.Project, QuotaRequest.Clones(order.Count, r.Spec.MemoryMib, r.Spec.Vcpus, start: true)) is { } quota)
        {
            return quota with { Message = $"{quota.Message}; nothing was forked" };
        }

        return names;
    }

    public async Task<Result<ForkOutcome>> ForkAsync(string parentName, ForkOrder order, CancellationToken ct)
    {
        long began = Stopwatch.GetTimestamp();
        Result<VmActor> found = vms.Find(parentName);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmActor parent = found.Value;
        Result<IReadOnlyList<string>> names = Plan(parent, order);
        if (!names.IsOk)
        {
            return names.Error;
        }

        // A VM that runs on an earlier fork point's memory (a fork, or a parent continued as a fork of itself) maps that
        // file privately: its own changes are not in it. It gets memory of its own first, then forks as any VM.
        if (!IsFrozen(parent.Record) && parent.Record.RamFile is { } earlier && ForkRam.IsForkRam(earlier))
        {
            Result<VmRecord> own = await OwnMemoryAsync(parent, ct).ConfigureAwait(false);
            if (!own.IsOk)
            {
                return own.Error;
            }
        }

        VmRecord p = parent.Record;
        // A VM frozen at a fork point (a running template) is forked again from that same point: no new fork point.
        bool frozen = IsFrozen(p);
        var forkId = Guid.NewGuid();
        Result<IReadOnlyList<ForkDisk>> planned = frozen ? disks.FrozenPlan(p) : disks.Plan(p, forkId);
        if (!planned.IsOk)
        {
            return planned.Error;
        }

        IReadOnlyList<ForkDisk> plan = planned.Value;
        string dir = frozen ? Path.GetDirectoryName(p.RamFile!)! : Ram.ForkDir(forkId);
        if (!frozen)
        {
            Ram.EnsureRoot();
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using IDisposable held = Ram.Hold(dir);
        using IDisposable heldDisks = disks.Hold(forkId);
        var specs = names.Value.Select(n => disks.ChildDisks(ChildSpec(p.Spec, n), plan)).ToList();
        string journal = parent.Layout.ForkJournal(p.Uuid);
        // A frozen VM with no disk of its own (`template create --running` of a diskless guest) has no folder yet.
        Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
        new ForkJournal { ForkDir = dir, Children = [.. specs.Select(s => s.Uuid)], Disks = frozen ? [] : plan, Frozen = frozen || order.Freeze }.Write(journal);

        // The guest inside serves the SSH host key it booted with, the parent's: each fork keeps a copy, so `hospes ssh`
        // knows the key it will be shown (and no ssh-keygen runs per fork). If a copy fails, the launch makes a key as for
        // any VM, and `hospes ssh` to that fork refuses the mismatch.
        var hostKeys = new GuestHostKeys(parent.Layout);
        GuestHostKey? parentKey = hostKeys.Find(p.Uuid);
        var children = new List<VmActor>();
        try
        {
            foreach (VmSpec spec in specs)
            {
                Result<VmActor> defined = await vms.DefineForkAsync(spec, p.Project, ct).ConfigureAwait(false);
                if (!defined.IsOk)
                {
                    await UndoAsync(children, frozen ? null : dir, journal).ConfigureAwait(false);
                    return defined.Error with { Message = $"cannot fork {p.Name}: {defined.Error.Message}; nothing was forked" };
                }

                children.Add(defined.Value);
                if (parentKey is not null)
                {
                    _ = hostKeys.Import(spec.Uuid, parentKey.PrivateText);
                }
            }

            long definedMs = (long)Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            ForkLog.ChildrenDefined(log, p.Name, children.Count, definedMs);
            string ramFile = p.RamFile!;
            if (!frozen)
            {
                ForkPoint point = commands.ForkPoint(dir, plan.Count == 0 ? null : c => disks.SplitAsync(p.Name, forkId, plan, c), order.Freeze);
                Result<VmRecord> forked = await parent.RunAsync(point, ct).ConfigureAwait(false);
                if (!forked.IsOk && (parent.Record.RamFile != point.RamFile || point.SplitFailed is not null))
                {
                    // The fork point did not take: the parent runs on (as it was, or from the fork point on its disks as they
                    // were), and nothing of the fork stays but the RAM file the parent may map now.
                    await UndoAsync(children, parent.Record.RamFile == point.RamFile ? null : dir, journal).ConfigureAwait(false);
                    return forked.Error;
                }

                ramFile = point.RamFile;
            }

            // The guest inside has the MACs of the VM that ran at the fork point (for a running template made by
            // `template create --running`, its source's), which each fork's identity step replaces.
            VmSpec inside = SaveFile.ReadHeader(ForkRam.StateFile(ramFile)) is { IsOk: true } header ? header.Value.Spec : p.Spec;

            var failed = new List<(string, string)>();
            var running = new List<ForkedVm>();
            var identities = new List<(VmActor Child, Task<bool> ClockLeft)>();
            await Parallel.ForEachAsync(children, new ParallelOptions { MaxDegreeOfParallelism = ChildStarts, CancellationToken = CancellationToken.None }, async (child, _) =>
            {
                Result<bool> own = plan.Count == 0 ? true : await disks.MakeChildDisksAsync(child.Record, plan, CancellationToken.None).ConfigureAwait(false);
                Result<VmRecord> up = !own.IsOk ? own.Error
                    : order.Template ? await child.RunAsync(new ForkFrozen(ramFile), CancellationToken.None).ConfigureAwait(false)
                    : await child.RunAsync(commands.ForkChild(ramFile), CancellationToken.None).ConfigureAwait(false);
                if (!up.IsOk)
                {
                    ForkLog.ChildFailed(log, child.Record.Name, up.Error.Message);
                    await vms.DropForkAsync(child).ConfigureAwait(false);
                    lock (failed)
                    {
                        failed.Add((child.Record.Name, up.Error.Message));
                    }

                    return;
                }

                // The guest's agent takes its time (a guest-exec under TCG): the next fork's QEMU need not wait for it.
                Task<bool> identity = order.Template ? Task.FromResult(false) : TellGuestItsIdentityAsync(child, inside);
                lock (running)
                {
                    identities.Add((child, identity));
                    running.Add(new ForkedVm(up.Value.Name, up.Value.Uuid, [.. up.Value.Spec.Vifs.Select(v => v.Mac ?? "")]));
                }
            }).ConfigureAwait(false);
            await Task.WhenAll(identities.Select(i => i.ClockLeft)).ConfigureAwait(false);
            SetClocksLater([.. identities.Where(i => i.ClockLeft.Result).Select(i => i.Child)]);

            File.Delete(journal);
            long ms = (long)Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            ForkLog.Forked(log, p.Name, running.Count, failed.Count, ms);
            return new ForkOutcome(p.Name, [.. running.OrderBy(f => f.Name, StringComparer.Ordinal)], failed, ms);
        }
        finally
        {
            held.Dispose();
            Sweep();
        }
    }

    /// <summary>
    /// At start, before the API listens: each fork a killed hospesd left unfinished (its journal is still there) ends as
    /// if it had stopped there: children that do not run go, children that run stay, the parent runs. Then unused RAM files go.
    /// </summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        await SettleOwnMemoryAsync(ct).ConfigureAwait(false);
        foreach (VmActor parent in vms.All)
        {
            string journal = parent.Layout.ForkJournal(parent.Record.Uuid);
            if (!File.Exists(journal))
            {
                continue;
            }

            if (ForkJournal.Read(journal) is { } j)
            {
                foreach (Guid uuid in j.Children)
                {
                    if (vms.All.FirstOrDefault(a => a.Record.Uuid == uuid) is { } child && child.Record.State != VmState.Running)
                    {
                        await vms.DropForkAsync(child).ConfigureAwait(false);
                    }
                }

                bool splitUndone = disks.Settle(j.Disks ?? []);
                await vms.EndUnrecordedQemuAsync(parent).ConfigureAwait(false);
                // Frozen with its disks split (their rows landed): a template whose forks start on the fork point's bases.
                // A split undone leaves disks that are not overlays on a base: the freeze is undone too, the parent runs.
                if (j.Frozen && IsFrozen(parent.Record) && !splitUndone)
                {
                    // Frozen at the fork point, as asked (or as it was): it stays a template of its running state.
                    ForkLog.Settled(log, parent.Record.Name, "frozen at the fork point");
                }
                else
                {
                    Result<VmRecord> back = await parent.RunAsync(commands.ForkUndo(Path.Combine(j.ForkDir, ForkRam.RamName)), ct).ConfigureAwait(false);
                    ForkLog.Settled(log, parent.Record.Name, back.IsOk ? parent.Record.State.ToString().ToLowerInvariant() : back.Error.Message);
                }
            }

            File.Delete(journal);
        }

        Sweep();
    }

    /// <summary>A VM frozen at a fork point (a template of running state): saved in the fork's state, naming its RAM file.</summary>
    public static bool IsFrozen(VmRecord r) =>
        r.State == VmState.Saved && r.RamFile is { } ram && ForkRam.IsForkRam(ram) && r.SavePath == ForkRam.StateFile(ram) && File.Exists(ram);

    /// <summary>Sweeps unused RAM files now and every few seconds (a fork that stopped lets go of its file).</summary>
    public void Start() => _sweeps = SweepLoopAsync(_stop.Token);

    public void Sweep()
    {
        foreach (string gone in Ram.Sweep(vms.All.Select(a => a.Record)))
        {
            ForkLog.RamDeleted(log, gone);
        }

        foreach (string gone in disks.Sweep())
        {
            ForkLog.BaseDeleted(log, gone);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sweeps.ConfigureAwait(false);
        await ClocksSetAsync().ConfigureAwait(false);
        _stop.Dispose();
        // What the last forks deleted before the stop let go of (the loop sweeps every few seconds): not left on tmpfs
        // until the next start.
        try
        {
            Sweep();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ForkLog.SweepFailed(log, e);
        }

        Ram.RemoveRootIfEmpty();
    }

    /// <summary>The parent's spec with the fork's own name, uuid and MACs (as a clone's); addresses and tap names are the networks' to give.</summary>
    public static VmSpec ChildSpec(VmSpec parent, string name)
    {
        VmSpec fresh = VmIdentity.Fresh(parent, name);
        return fresh with { Vifs = [.. fresh.Vifs.Select(v => v with { VifName = null })], SourcePath = null };
    }

    private async Task UndoAsync(List<VmActor> children, string? dir, string journal)
    {
        foreach (VmActor child in children)
        {
            await vms.DropForkAsync(child).ConfigureAwait(false);
        }

        if (dir is not null)
        {
            Directory.Delete(dir, recursive: true);
        }

        File.Delete(journal);
    }

    private async Task SweepLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SweepEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    Sweep();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    ForkLog.SweepFailed(log, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
