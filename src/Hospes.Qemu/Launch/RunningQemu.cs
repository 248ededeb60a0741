using System.Diagnostics;
using Hospes.Core.Processes;
using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Launch;

/// <summary>A live QEMU process and its QMP session. Closing QMP (QEMU exit) is how its end is noticed.</summary>
public sealed class RunningQemu : IQemuProcess
{
    private readonly Process? _child;
    private readonly PidFd _process;
    private readonly QmpLog _log;
    private readonly TimeProvider _time;

    /// <param name="process">The handle QEMU is signalled and watched through: never its pid, which a stranger may get once it ends.</param>
    public RunningQemu(PidFd process, QmpConnection qmp, QmpLog log, Process? child, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(process);
        _process = process;
        Qmp = qmp;
        _log = log;
        _child = child;
        _time = time;
    }

    public int Pid => _process.Pid;

    public IQmp Qmp { get; }

    public bool IsAlive => !_process.HasExited;

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

        await _process.WaitForExitAsync(limit, _time, ct).ConfigureAwait(false);
    }

    /// <summary>Hard power-off: SIGKILL, then wait for the process to vanish.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        _process.Signal(PidFd.SigKill);
        await WaitForExitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Qmp.DisposeAsync().ConfigureAwait(false);
        _log.Dispose();
        _child?.Dispose();
        _process.Dispose();
    }
}
