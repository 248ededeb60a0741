using System.Diagnostics;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Launch;

/// <summary>A live QEMU process and its QMP session. Closing QMP (QEMU exit) is how its end is noticed.</summary>
public sealed class RunningQemu : IAsyncDisposable
{
    private readonly Process? _child;
    private readonly QmpLog _log;

    public RunningQemu(int pid, QmpConnection qmp, QmpLog log, Process? child)
    {
        Pid = pid;
        Qmp = qmp;
        _log = log;
        _child = child;
    }

    public int Pid { get; }

    public QmpConnection Qmp { get; }

    /// <summary>Waits until the process is really gone (QMP closes slightly before the process ends).</summary>
    public async Task WaitForExitAsync(TimeSpan limit, TimeProvider time, CancellationToken ct)
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

        var deadline = time.GetUtcNow() + limit;
        while (ProcFs.IsAlive(Pid) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Hard power-off: SIGKILL, then wait for the process to vanish.</summary>
    public async Task KillAsync(TimeProvider time, CancellationToken ct)
    {
        ProcFs.Signal(Pid, ProcFs.SigKill);
        await WaitForExitAsync(TimeSpan.FromSeconds(10), time, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Qmp.DisposeAsync().ConfigureAwait(false);
        _log.Dispose();
        _child?.Dispose();
    }
}
