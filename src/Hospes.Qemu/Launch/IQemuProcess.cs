using Hospes.Qemu.Qmp;

namespace Hospes.Qemu.Launch;

/// <summary>A live QEMU and its QMP session, as the host owns it. Closing QMP (QEMU exit) is how its end is noticed.</summary>
public interface IQemuProcess : IAsyncDisposable
{
    int Pid { get; }

    IQmp Qmp { get; }

    /// <summary>Whether the process still exists (QMP closes slightly before it ends).</summary>
    bool IsAlive { get; }

    /// <summary>Waits until the process is really gone, at most <paramref name="limit"/>.</summary>
    Task WaitForExitAsync(TimeSpan limit, CancellationToken ct);

    /// <summary>Hard power-off: SIGKILL, then wait for the process to vanish.</summary>
    Task KillAsync(CancellationToken ct);
}
