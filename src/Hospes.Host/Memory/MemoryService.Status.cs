using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Host.State;

namespace Hospes.Host.Memory;

internal sealed partial class MemoryService
{
    /// <summary>`hospes mem-set`: balloons a running guest to <paramref name="mib"/> and keeps it as the VM's memory.</summary>
    public Task<Result<VmMemoryStatus>> SetTargetAsync(string vm, int mib) => RunOnVmAsync(vm, new MemSetCommand(_balloons, Quotas, mib));

    /// <summary>`hospes mem-max`: the most the guest may ever get.</summary>
    public Task<Result<VmMemoryStatus>> SetMaxAsync(string vm, int mib) => RunOnVmAsync(vm, new MemMaxCommand(_balloons, mib));

    public Result<VmMemoryStatus> Status(string vm)
    {
        Result<IVm> found = _vms.Find(vm);
        return found.IsOk ? Status(found.Value) : found.Error;
    }

    public VmMemoryStatus Status(IVm vm)
    {
        VmMemoryState m = _balloons.Of(vm);
        TimeSpan? age = m.Stats?.UpdatedAt is { } at ? _time.GetUtcNow() - at : null;
        return new VmMemoryStatus(vm.Record, m, age);
    }

    public HostMemoryStatus HostStatus()
    {
        HostMemorySample host = _reader.Read();
        IReadOnlyList<IVm> running = [.. _vms.All.Where(a => _balloons.Of(a).BootedMib is not null)];
        return new HostMemoryStatus
        {
            Host = host,
            Settings = _settings,
            CommittedBytes = Committed(exclude: null),
            CommitLimitBytes = (long)(host.TotalBytes * _settings.OvercommitRatio),
            ReserveBytes = _settings.ReserveBytes(host.TotalBytes),
            VmsRunning = running.Count,
            GuestsRssBytes = running.Sum(a => _balloons.Of(a).HostRssBytes ?? 0),
            GuestsPssBytes = running.Sum(a => _balloons.Of(a).HostPssBytes ?? 0),
            FreePageReportingGuests = running.Count(a => _balloons.Of(a).Driver is { FreePageReporting: true }),
            Ksm = _ksm.Read(),
            KsmManaged = _ksmManaged,
        };
    }

    /// <summary>The host's memory over the last hour (the web UI's chart): a sample every 10 s, oldest first.</summary>
    public MemoryHistory History { get; } = new();

    /// <summary>Adds a sample to <see cref="History"/> when one is due (the policy loop's ticks are shorter).</summary>
    internal void SampleHistory()
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (!History.Due(now))
        {
            return;
        }

        HostMemoryStatus s = HostStatus();
        History.Add(new MemoryHistoryPoint(now, s.Host.TotalBytes, s.Host.AvailableBytes, s.CommittedBytes, s.Ksm.SavedBytes));
    }

    public MemoryTop Top()
    {
        PolicyAction[] actions;
        lock (_actions)
        {
            actions = [.. _actions.Reverse()];
        }

        return new MemoryTop(
            HostStatus(),
            [.. _vms.All.Where(a => _balloons.Of(a).BootedMib is not null).Select(Status).OrderBy(v => v.Vm.Name, StringComparer.Ordinal)],
            actions);
    }

    private async Task<Result<VmMemoryStatus>> RunOnVmAsync(string name, IVmCommand<VmRecord> command)
    {
        Result<IVm> vm = _vms.Find(name);
        if (!vm.IsOk)
        {
            return vm.Error;
        }

        Result<VmRecord> done = await vm.Value.RunAsync(command).ConfigureAwait(false);
        return done.IsOk ? Status(vm.Value) : done.Error;
    }
}
