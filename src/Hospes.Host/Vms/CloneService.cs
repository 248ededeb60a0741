using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Access;
using Hospes.Host.Console;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Vms;

/// <summary>`hospes clone`: many VMs from a template, made in parallel and (with --start) booted as host memory allows.</summary>
internal sealed class CloneService(VolumeStore store, VmManager vms, VmCommands commands)
{
    public const int MaxCloneCount = 1000;

    /// <summary>Host memory kept free when deciding how many clones can run (for the host and QEMU's own use).</summary>
    private const long ReserveMib = 1024;

    /// <summary>What one TCG QEMU needs beyond its guest's memory (code cache, device state).</summary>
    private const long QemuOverheadMib = 96;

    /// <summary>Checks a clone request before anything is made: the template exists and the names are usable.</summary>
    public Result<IReadOnlyList<string>> PlanClones(string template, CloneOrder request)
    {
        Result<TemplateRecord> t = store.FindTemplate(template);
        if (!t.IsOk)
        {
            return t.Error;
        }

        string project = request.Project ?? t.Value.Project;

        if (request.ReadyMarker is { } m && (m.Length is 0 or > 200 || m.Any(char.IsControl)))
        {
            return HospesError.Invalid("--ready-marker needs 1 to 200 printable characters on one line, e.g. 'login:'");
        }

        Result<IReadOnlyList<string>> names = request.Names is { } given ? Given(given) : NamePattern.Expand(request.Name, request.Count, MaxCloneCount, "clone", "cloning");
        if (!names.IsOk)
        {
            return names.Error;
        }

        // Once for all of them, before the first is made; each define checks again (another create may race it), and
        // with --start each start is admitted on its own.
        VmSpec spec = t.Value.Spec;
        if (vms.Quotas.Check(project, QuotaRequest.Clones(names.Value.Count, spec.MemoryMib, spec.Vcpus, request.Start)) is { } refused)
        {
            return refused with { Message = $"{refused.Message}; nothing was cloned" };
        }

        return names;
    }

    /// <summary>The names a member asks for (its share of a run spread over a cluster), each checked.</summary>
    private static Result<IReadOnlyList<string>> Given(IReadOnlyList<string> names)
    {
        if (names.Count is 0 or > MaxCloneCount)
        {
            return HospesError.Invalid($"a clone run names {names.Count} clones; give 1 to {MaxCloneCount}");
        }

        return names.Select(n => (Name: n, Problem: VmName.Validate(n))).FirstOrDefault(n => n.Problem is not null) is { Problem: { } problem } bad
            ? HospesError.Invalid($"clone name '{bad.Name}' is not valid: {problem}")
            : Result.Ok<IReadOnlyList<string>>(names);
    }

    /// <summary>
    /// Makes the clones in parallel, then (with Start) boots them a few at a time, as many as host memory
    /// holds, and waits for each one's ready marker: --ready-marker, else the template's known one; with neither a
    /// clone is ready once it runs (never a wait on a guess). Each clone succeeds or fails on its own; every event is
    /// reported through <paramref name="emit"/>; the summary is returned.
    /// </summary>
    public async Task<CloneProgress> CloneAsync(string template, CloneOrder request, IReadOnlyList<string> names, Func<CloneProgress, Task> emit, CancellationToken ct)
    {
        TemplateRecord t = store.FindTemplate(template).Value;
        var clock = Stopwatch.StartNew();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var made = new System.Collections.Concurrent.ConcurrentBag<VmActor>();
        int created = 0, ready = 0;
        var emitGate = new SemaphoreSlim(1, 1);

        async Task Emit(CloneStep step, string? name, string? message)
        {
            await emitGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var progress = new CloneProgress(step, name, message, names.Count, created, ready, failures.Count, clock.Elapsed);
                Publish(template, progress);
                await emit(progress).ConfigureAwait(false);
            }
            finally
            {
                emitGate.Release();
            }
        }

        // qemu-img create of an overlay is a few ms: a small pool keeps the DB and disk busy, not flooded.
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (name, token) =>
        {
            Result<VmActor> one = await CloneOneAsync(t, name, request.Full, request.Project ?? t.Project, token).ConfigureAwait(false);
            if (one.IsOk)
            {
                made.Add(one.Value);
                Interlocked.Increment(ref created);
                await Emit(CloneStep.Created, name, null).ConfigureAwait(false);
            }
            else
            {
                failures.Add($"{name}: {one.Error.Message}");
                await Emit(CloneStep.Failed, name, one.Error.Message).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        if (request.Start)
        {
            var order = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
            var toStart = made.OrderBy(a => order[a.Record.Name]).ToList();
            long perVm = t.Spec.MemoryMib + QemuOverheadMib;
            long budget = HostMachine.Memory().AvailableMib - ReserveMib;
            int fits = (int)Math.Clamp(budget / perVm, 0, toStart.Count);
            foreach (VmActor over in toStart.Skip(fits))
            {
                string why = $"not started: host memory holds {fits} more VMs of {perVm} MiB (guest + QEMU) with {ReserveMib} MiB kept free; start it later with `hospes start {over.Record.Name}`";
                failures.Add($"{over.Record.Name}: {why}");
                await Emit(CloneStep.Failed, over.Record.Name, why).ConfigureAwait(false);
            }

            // Booting under TCG is CPU-bound: a few boots per core at a time finish sooner than all at once.
            int parallel = Math.Max(2, HostMachine.CpuCount * 2);
            await Parallel.ForEachAsync(toStart.Take(fits), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (vm, token) =>
            {
                Result<bool> up = await StartAndWaitAsync(vm, request.ReadyMarker ?? t.ReadyMarker, request.ReadyTimeout, token).ConfigureAwait(false);
                if (up.IsOk)
                {
                    Interlocked.Increment(ref ready);
                    await Emit(CloneStep.Ready, vm.Record.Name, null).ConfigureAwait(false);
                }
                else
                {
                    failures.Add($"{vm.Record.Name}: {up.Error.Message}");
                    await Emit(CloneStep.Failed, vm.Record.Name, up.Error.Message).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        emitGate.Dispose();
        var done = new CloneProgress(CloneStep.Done, null, null, names.Count, created, ready, failures.Count, clock.Elapsed)
        {
            Failures = [.. failures.Order(StringComparer.Ordinal)],
        };
        Publish(template, done);
        return done;
    }

    /// <summary>
    /// A step of the run on the event stream: about the clone it names (seen by who may see that VM), or the template
    /// for the summary. Done counts clones made (or ready, once starting), of the total.
    /// </summary>
    private void Publish(string template, CloneProgress p) => vms.Events.Publish(() => new HostEvent
    {
        Type = HostEventTypes.Progress,
        Operation = "clone",
        Phase = p.Step.ToString().ToLowerInvariant(),
        Vm = p.Name,
        Object = p.Name is null ? ("templates", template) : null,
        Done = p.Step == CloneStep.Ready ? p.Ready : p.Created,
        Total = p.Total,
        Unit = "vms",
        Message = p.Step == CloneStep.Done
            ? $"clone of {template}: {p.Created} of {p.Total} created, {p.Ready} ready, {p.Failed} failed"
            : p.Message,
    });

    private async Task<Result<VmActor>> CloneOneAsync(TemplateRecord t, string name, bool full, string project, CancellationToken ct)
    {
        VmSpec spec = VmIdentity.Fresh(t.Spec, name);
        await using var revert = new Reverter();
        Result<VmActor> defined = await vms.DefineAsync(spec, full, revert, ct, project).ConfigureAwait(false);
        if (defined.IsOk)
        {
            revert.Commit();
        }

        return defined;
    }

    private async Task<Result<bool>> StartAndWaitAsync(VmActor vm, string? marker, TimeSpan limit, CancellationToken ct)
    {
        long from = ConsoleMarker.LengthOf(vm.ConsoleLogPath);
        Result<VmRecord> started = await vm.RunAsync(commands.Start(), CancellationToken.None).ConfigureAwait(false);
        if (!started.IsOk)
        {
            return started.Error;
        }

        if (marker is null)
        {
            return true;
        }

        bool seen = await ConsoleMarker.WaitAsync(vm.ConsoleLogPath, marker, from, () => vm.Pid is not null, limit, store.Time, ct).ConfigureAwait(false);
        if (seen)
        {
            return true;
        }

        return vm.Pid is null
            ? HospesError.Unavailable($"it stopped before printing '{marker}' ({vm.Record.State.ToString().ToLowerInvariant()}); see `hospes console {vm.Record.Name} --show-log`")
            : new HospesError(ErrorCode.Timeout, $"no '{marker}' on its console within {limit.TotalSeconds:0} s; it is still running, see `hospes console {vm.Record.Name} --show-log`");
    }
}
