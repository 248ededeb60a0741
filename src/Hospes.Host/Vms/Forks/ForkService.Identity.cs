using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Vms.Agent;

namespace Hospes.Host.Vms.Forks;

/// <summary>The identity a fork takes in its guest, and the clocks set after the fork command answered.</summary>
internal sealed partial class ForkService
{
    private readonly Lock _clocksGate = new();
    private readonly List<Task> _clocks = [];

    /// <summary>
    /// The step after a fork continues: the guest takes its new identity through its agent. The NIC's MAC lives in the
    /// migrated device state, so until then the guest still sends as the parent's MAC, which its tap (made for the fork's
    /// own MAC) does not let out: first each NIC takes its own MAC (`ip link set dev IF address MAC`; virtio-net tells
    /// QEMU, whose receive filter follows), then hospes-postfork NAME (host name, a fresh DHCP lease, an empty neighbour
    /// table) and the clock. A guest without an agent keeps running as a copy; the warning says what it missed.
    /// A fork without NICs needs none of that but its host name and clock: the name is written through the agent's file
    /// calls, no process in the guest (<see cref="GuestAgent.SetHostNameAsync"/>), and true is answered: its clock is
    /// still to set (<see cref="SetClocksLater"/>). An agent that refuses file calls gets the one-exec step.
    /// </summary>
    private async Task<bool> TellGuestItsIdentityAsync(VmActor child, VmSpec parent)
    {
        long began = Stopwatch.GetTimestamp();
        VmSpec spec = child.Record.Spec;
        var script = new System.Text.StringBuilder();
        for (int i = 0; i < Math.Min(parent.Vifs.Count, spec.Vifs.Count); i++)
        {
            // Both from the records, validated as MACs at define time: nothing of a user's reaches the shell unchecked.
            if (parent.Vifs[i].Mac is { } old && spec.Vifs[i].Mac is { } mac && !string.Equals(old, mac, StringComparison.OrdinalIgnoreCase)
                && System.Text.RegularExpressions.Regex.IsMatch(old + mac, "^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$"))
            {
                script.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"for d in /sys/class/net/*; do read -r a < $d/address; [ \"$a\" = {old.ToLowerInvariant()} ] && ip link set dev ${{d##*/}} address {mac.ToLowerInvariant()}; done; ");
            }
        }

        if (spec.Vifs.Count == 0)
        {
            Result<bool> name = await agent.SetHostNameAsync(child, spec.Name, CancellationToken.None, IdentityAnswer).ConfigureAwait(false);
            if (!name.IsOk && name.Error.Code == ErrorCode.Timeout)
            {
                name = await agent.SetHostNameAsync(child, spec.Name, CancellationToken.None, IdentityAnswer).ConfigureAwait(false);
            }

            if (name.IsOk)
            {
                long nameMs = (long)Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                ForkLog.IdentityTook(log, spec.Name, nameMs);
                return true;
            }

            if (name.Error.Code is ErrorCode.Timeout or ErrorCode.InvalidArgument)
            {
                ForkLog.IdentityFailed(log, spec.Name, name.Error.Message);
                return false;
            }
        }

        // One guest-exec for all of it (MACs, clock, hospes-postfork): each agent request waits its turn in a guest that
        // shares the CPU with every other fork starting.
        string? macs = script.Length > 0 ? script.ToString() : null;
        Result<bool> named = await agent.SetIdentityAsync(child, spec.Name, CancellationToken.None, IdentityAnswer, macs).ConfigureAwait(false);
        if (!named.IsOk && named.Error.Code == ErrorCode.Timeout)
        {
            // 75 forks' agents answering at once under TCG on a loaded host: one answer can take over a minute (seen:
            // hospes-postfork ran, its status went unanswered). The step is idempotent, so it is tried once more.
            named = await agent.SetIdentityAsync(child, spec.Name, CancellationToken.None, IdentityAnswer, macs).ConfigureAwait(false);
        }

        if (!named.IsOk)
        {
            ForkLog.IdentityFailed(log, spec.Name, named.Error.Message);
            return false;
        }

        long took = (long)Stopwatch.GetElapsedTime(began).TotalMilliseconds;
        ForkLog.IdentityTook(log, spec.Name, took);
        return false;
    }

    /// <summary>
    /// The clocks of forks that took their name without a process (<see cref="TellGuestItsIdentityAsync"/>), set after
    /// every fork of the command has its name, and after the command answered: setting a clock starts `date` in the
    /// guest, which under TCG costs each fork more than all the rest of its identity, and is not needed for the fork to
    /// be itself. Until it runs, a fork's clock is behind by the time since the fork point. One per core at a time, so
    /// the forks' first answers (a fresh fork's console shell costs it 0.12-0.18 CPU-s) are not slowed by them all. Ended (not waited for) when hospesd stops; a fork whose clock a restart left unset keeps it behind.
    /// </summary>
    private void SetClocksLater(IReadOnlyList<IVm> forks)
    {
        if (forks.Count == 0)
        {
            return;
        }

        Task clocks = Parallel.ForEachAsync(forks, new ParallelOptions { MaxDegreeOfParallelism = HostMachine.CpuCount, CancellationToken = _stop.Token }, async (child, ct) =>
        {
            if (child.Record.State != VmState.Running)
            {
                return;
            }

            long began = Stopwatch.GetTimestamp();
            Result<bool> set = await agent.SetClockAsync(child, ct, IdentityAnswer).ConfigureAwait(false);
            if (!set.IsOk && set.Error.Code == ErrorCode.Timeout && !ct.IsCancellationRequested)
            {
                set = await agent.SetClockAsync(child, ct, IdentityAnswer).ConfigureAwait(false);
            }

            if (set.IsOk)
            {
                long took = (long)Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                ForkLog.ClockSet(log, child.Record.Name, took);
            }
            else if (child.Record.State == VmState.Running && !ct.IsCancellationRequested)
            {
                ForkLog.ClockFailed(log, child.Record.Name, set.Error.Message);
            }
        });
        lock (_clocksGate)
        {
            _clocks.RemoveAll(t => t.IsCompleted);
            _clocks.Add(clocks);
        }
    }

    /// <summary>
    /// A saved guest that runs again (`start` of a saved or frozen VM, `restore`) stood still while saved: its clock is set
    /// the same way, after the command answered (<see cref="VmCommands"/> tells this).
    /// </summary>
    public void SetClockLater(IVm vm) => SetClocksLater([vm]);

    /// <summary>Every clock step still running, ended (hospesd stops: <see cref="_stop"/> is cancelled first).</summary>
    private async Task ClocksSetAsync()
    {
        Task[] running;
        lock (_clocksGate)
        {
            running = [.. _clocks];
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
