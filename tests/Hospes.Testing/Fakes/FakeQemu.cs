using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Testing.Fakes;

/// <summary>A QEMU process that is only its monitor: killed or quit, its monitor closes.</summary>
public sealed class FakeQemu(int pid, FakeQmp qmp) : IQemuProcess
{
    public int Pid { get; } = pid;

    public FakeQmp Monitor { get; } = qmp;

    public IQmp Qmp => Monitor;

    public bool IsAlive => !Monitor.Closed.IsCompleted;

    public bool Killed { get; private set; }

    public Task WaitForExitAsync(TimeSpan limit, CancellationToken ct) => Task.CompletedTask;

    public Task KillAsync(CancellationToken ct)
    {
        Killed = true;
        Monitor.Close();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
