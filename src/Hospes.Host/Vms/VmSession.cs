using Hospes.Core.Vms;
using Hospes.Host.Console;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

/// <summary>
/// What a command may do to its VM while it runs in the VM's queue: change the record, own, stop or forget the
/// QEMU. It ends with the command, so nothing outside the queue can keep it.
/// </summary>
internal sealed class VmSession(VmActor actor, WorkCause cause) : IVmSession
{
    private bool _ended;

    public VmRecord Record => actor.Record;

    /// <summary>The VM itself, for work that must wait until this command is done (the guest agent's calls queue on it).</summary>
    public Machine.IVm Vm => actor;

    public string Name => actor.Record.Name;

    public IQemuProcess? Qemu => actor.Slot.Qemu;

    public IQmp? Qmp => actor.Slot.Qemu?.Qmp;

    public ConsoleHub? Console => actor.Slot.Console;

    /// <summary>The current QEMU's migration signals (event times of STOP and of the stream's end).</summary>
    public QemuSignals Signals => actor.Slot.Signals;

    public GuestEvents Guest => actor.Guest;

    public TimeProvider Time => actor.Time;

    public VmRuntimePaths Paths => actor.Layout.Paths(actor.Record.Uuid);

    /// <summary>Where an older hospesd put this VM's sockets (a uuid prefix); only to find its QEMU again.</summary>
    public VmRuntimePaths LegacyPaths => actor.Layout.LegacyPaths(actor.Record.Uuid);

    public string VmDir => actor.Layout.VmDir(actor.Record.Uuid);

    /// <summary>The CPU cgroups of this hospesd's QEMUs (sched-credit).</summary>
    public Machine.CpuCgroups Cgroups => Machine.CpuCgroups.For(actor.Layout.Options.StateDir);

    /// <summary>Where a migration's TLS credentials for this VM's QEMU are (in the run dir).</summary>
    public string MigrationTlsDir => actor.Layout.MigrationTlsDir(actor.Record.Uuid);

    /// <summary>Where a migration in flight keeps what a restarted hospesd needs to settle it (see VmLayout).</summary>
    public string MigrationJournal => actor.Layout.MigrationJournal(actor.Record.Uuid);

    /// <summary>Where a fork of this VM under way keeps what a restarted hospesd needs to settle it.</summary>
    public string ForkJournal => actor.Layout.ForkJournal(actor.Record.Uuid);

    public VmRecord Commit(VmRecord record)
    {
        Live();
        return actor.Commit(record, cause);
    }

    /// <summary>The VM's rows took <paramref name="renamed"/>'s name in one transaction; the VM now answers to it.</summary>
    public void Renamed(VmRecord renamed, string oldName)
    {
        Live();
        actor.Renamed(renamed, oldName);
    }

    /// <summary>
    /// The VM stops being this host's: deleted, migrated to <paramref name="elsewhere"/>, or dropped. Its rows leave the
    /// state DB now, and every command queued after this one is refused. Its QEMU must be stopped first.
    /// </summary>
    public void End(VmPresence why, string? elsewhere = null)
    {
        Live();
        if (actor.Slot.Qemu is not null)
        {
            throw new InvalidOperationException($"{actor.Record.Name}: a VM whose QEMU still runs cannot end here");
        }

        actor.End(why, elsewhere);
    }

    /// <summary>Wakes everyone waiting for a change (a guest event that changes no record).</summary>
    public void Notify() => actor.Notify();

    /// <summary>
    /// Takes ownership of a QEMU: its events and its exit now flow into the VM's queue. <paramref name="started"/>: the
    /// files of a QEMU an older hospesd started under other names.
    /// </summary>
    public void Attach(IQemuProcess q, IReadOnlyList<int> vcpuThreads, VmRuntimePaths? started = null)
    {
        Live();
        actor.Attach(q, vcpuThreads, started);
    }

    /// <summary>The current QEMU's vCPU threads changed (vcpu-set plugged or unplugged one).</summary>
    public void SetVcpuThreads(IReadOnlyList<int> threads)
    {
        Live();
        actor.Slot.SetVcpuThreads(threads);
    }

    /// <summary>
    /// The VM is arriving by migration from <paramref name="from"/>: until <see cref="EndArrival"/>, its queue runs only
    /// the migration's own commands (and the console), so nothing can continue or change the guest meanwhile.
    /// </summary>
    public void BeginArrival(string from)
    {
        Live();
        actor.ArrivingFrom = from;
    }

    public void EndArrival()
    {
        Live();
        actor.ArrivingFrom = null;
    }

    /// <summary>Ends the VM's QEMU for good: quit (flushes disks), SIGKILL if it does not go.</summary>
    public Task StopQemuAsync()
    {
        Live();
        return actor.Slot.StopAsync(actor.Time);
    }

    /// <summary>After the VM's QEMU went by itself: forget it and remove its sockets.</summary>
    public Task ReleaseQemuAsync(IQemuProcess q)
    {
        Live();
        return actor.Slot.ReleaseAsync(q);
    }

    public string QemuLogTail()
    {
        try
        {
            string? last = File.ReadLines(Paths.QemuLog).LastOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
            return last is null ? "" : $": {last.Trim()}";
        }
        catch (IOException)
        {
            return "";
        }
    }

    internal void End() => _ended = true;

    private void Live()
    {
        if (_ended)
        {
            throw new InvalidOperationException($"{actor.Record.Name}: a command's session was used after the command ended");
        }
    }
}
