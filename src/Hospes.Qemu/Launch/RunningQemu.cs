using System.Diagnostics;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Launch;

/// <summary>A live QEMU process and its QMP session. Closing QMP (QEMU exit) is how its end is noticed.</summary>
public sealed class RunningQemu : IQemuProcess
{
    private readonly Process? _child;
    private readonly QmpLog _log;
    private readonly TimeProvider _time;

    public RunningQemu(int pid, QmpConnection qmp, QmpLog log, Process? child, TimeProvider time)
    {
        Pid = pid;
        Qmp = qmp;
        _log = log;
        _child = child;
        _time = time;
    }

    public int Pid { get; }

    public IQmp Qmp { get; }

    public bool IsAlive => ProcFs.IsAlive(Pid);

    /// <summary>Waits until the process is really gone (QMP closes slightly before the process ends).</summary>
    public async Task WaitForExitAsync(TimeSpan limit, CancellationToken ct)
    {
        if (_child is not null)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(limit);
            try
            {
                await _child.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            return;
        }

        var deadline = _time.GetUtcNow() + limit;
        while (ProcFs.IsAlive(Pid) && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Hard power-off: SIGKILL, then wait for the process to vanish.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        ProcFs.Signal(Pid, ProcFs.SigKill);
        await WaitForExitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Qmp.DisposeAsync().ConfigureAwait(false);
        _log.Dispose();
        _child?.Dispose();
    }
}
