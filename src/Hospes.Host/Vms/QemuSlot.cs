using Hospes.Host.Console;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

/// <summary>
/// The QEMU a VM owns (at most one), with its console and vCPU threads, and the pump that hands its events and its
/// exit to the VM's queue. Only the VM's actor (through a command's session) attaches, stops or forgets it.
/// </summary>
/// <param name="ended">What else goes with an ended QEMU (its CPU cgroup).</param>
internal sealed class QemuSlot(IQemuLauncher launcher, VmRuntimePaths usual, Action? ended = null) : IAsyncDisposable
{
    private VmRuntimePaths? _started;
    private IQemuProcess? _qemu;
    private ConsoleHub? _console;
    private IReadOnlyList<int> _vcpuThreads = [];

    public IQemuProcess? Qemu => _qemu;

    public ConsoleHub? Console => _console;

    public IReadOnlyList<int> VcpuThreads => _vcpuThreads;

    public QemuSignals Signals { get; private set; } = new();

    /// <summary>
    /// Takes ownership of a QEMU: each of its events goes to <paramref name="onEvent"/> (after the migration signals saw
    /// it), and its end (QMP closed) to <paramref name="onExit"/>. Both are expected to post into the VM's queue.
    /// <paramref name="started"/>: the files of a QEMU an older hospesd started under other names; null for the usual.
    /// </summary>
    public void Attach(IQemuProcess q, IReadOnlyList<int> vcpuThreads, Action<IQemuProcess, QmpEvent> onEvent, Action<IQemuProcess> onExit, VmRuntimePaths? started = null)
    {
        _qemu = q;
        _vcpuThreads = vcpuThreads;
        _started = started;
        _console = new ConsoleHub((started ?? usual).ConsoleSocket);
        QemuSignals signals = Signals = new QemuSignals();
        _ = Task.Run(async () =>
        {
            await foreach (QmpEvent e in q.Qmp.Events.ReadAllAsync().ConfigureAwait(false))
            {
                signals.Observe(e);
                onEvent(q, e);
            }

            onExit(q);
        });
    }

    /// <summary>The vCPU threads after a vCPU was plugged or unplugged.</summary>
    public void SetVcpuThreads(IReadOnlyList<int> threads) => _vcpuThreads = threads;

    /// <summary>Forgets the current QEMU (already stopped, or left running when hospesd exits).</summary>
    public async Task DetachAsync()
    {
        IQemuProcess? q = _qemu;
        ConsoleHub? console = _console;
        _qemu = null;
        _console = null;
        _vcpuThreads = [];
        if (console is not null)
        {
            await console.DisposeAsync().ConfigureAwait(false);
        }

        if (q is not null)
        {
            await q.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>QEMU runs unprivileged in a root-only run dir: it cannot remove its sockets and pid file itself.</summary>
    private void RemoveFiles()
    {
        launcher.RemoveRuntimeFiles(_started ?? usual);
        _started = null;
        ended?.Invoke();
    }

    /// <summary>Forgets the QEMU and closes the console; the QEMU itself keeps running.</summary>
    public ValueTask DisposeAsync() => new(DetachAsync());

    /// <summary>Ends the current QEMU for good: quit (flushes disks), SIGKILL if it does not go; its sockets are removed.</summary>
    public async Task StopAsync(TimeProvider time)
    {
        IQemuProcess? q = _qemu;
        if (q is null)
        {
            return;
        }

        try
        {
            await q.Qmp.QuitAsync().WaitAsync(TimeSpan.FromSeconds(5), time).ConfigureAwait(false);
            await q.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpDisconnectedException or TimeoutException or QmpException)
        {
        }

        if (q.IsAlive)
        {
            await q.KillAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await DetachAsync().ConfigureAwait(false);
        RemoveFiles();
    }

    /// <summary>After QEMU went by itself: wait for the process to be gone, forget it, remove its sockets.</summary>
    public async Task ReleaseAsync(IQemuProcess q)
    {
        await q.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        await DetachAsync().ConfigureAwait(false);
        RemoveFiles();
    }
}
