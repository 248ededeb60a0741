using System.Collections.Concurrent;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Logs;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>
/// Keeps the logs QEMU writes itself (console.log, qemu.log) under logs.vm_max_mib: once a second, a running VM's log
/// that reached half the cap is rotated (copied aside, truncated: QEMU appends with O_APPEND). qmp.log is hospesd's own
/// and rotates as it is written (QmpLog). While hospesd is down nothing rotates; the next round catches up.
/// </summary>
internal sealed class VmLogCap(VmRegistry<VmActor> vms, VmLayout layout, long maxBytes, TimeProvider time, ILogger log) : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Guid, LogBudget> _lines = new();
    private Task? _loop;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>One pass over the running VMs (the loop's round; tests call it directly).</summary>
    public void Round()
    {
        foreach (VmActor vm in vms.Vms.Where(v => v.Pid is not null))
        {
            VmRuntimePaths paths = layout.Paths(vm.Record.Uuid);
            Cap(vm, paths.ConsoleLog);
            Cap(vm, paths.QemuLog);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Cap(VmActor vm, string path)
    {
        // A guest that floods its console rotates its log every few seconds: one line about it per VM in ten minutes.
        LogBudget lines = _lines.GetOrAdd(vm.Record.Uuid, _ => new LogBudget(1, TimeSpan.FromMinutes(10)));
        try
        {
            if (LogCap.CopyTruncateIfOver(path, maxBytes) && lines.TryTake(time.GetUtcNow(), out _))
            {
                string name = vm.Record.Name, file = Path.GetFileName(path);
                long kib = LogCap.RotateAt(maxBytes) >> 10;
                VmLog.LogRotated(log, name, file, kib);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (lines.TryTake(time.GetUtcNow(), out _))
            {
                VmLog.LogCapFailed(log, vm.Record.Name, path, e);
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    Round();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // One bad round (a VM removed under it, its folder gone) must not end the caps of all VMs.
                    VmLog.LogCapFailed(log, "(all VMs)", "a round of logs.vm_max_mib", e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
