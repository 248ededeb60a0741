using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;

namespace Hospes.Testing.Fakes;

/// <summary>Launches <see cref="FakeQemu"/>s: records each command line; a test can make the next launch fail or hand out QEMUs to re-attach.</summary>
public sealed class FakeQemuLauncher : IQemuLauncher
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> _launched = new();
    private int _nextPid = 10_000;

    /// <summary>When set, the next launches fail with it.</summary>
    public HospesError? Failure { get; set; }

    /// <summary>Called with each new QEMU before it is handed out (a test's chance to script its monitor).</summary>
    public Action<FakeQemu>? OnLaunch { get; set; }

    /// <summary>QEMUs that still run after a restart of hospesd, by pid.</summary>
    public ConcurrentDictionary<int, FakeQemu> Running { get; } = new();

    public IReadOnlyList<IReadOnlyList<string>> Launched => [.. _launched];

    public FakeQemu? Last { get; private set; }

    public int RemovedRuntimeFiles { get; private set; }

    public Task<Result<IQemuProcess>> LaunchAsync(string qemuPath, IReadOnlyList<string> arguments, VmRuntimePaths paths, CancellationToken ct, bool smallPages = false)
    {
        _launched.Enqueue(arguments);
        if (Failure is { } failure)
        {
            return Task.FromResult<Result<IQemuProcess>>(failure);
        }

        var qemu = new FakeQemu(Interlocked.Increment(ref _nextPid), new FakeQmp());
        OnLaunch?.Invoke(qemu);
        Running[qemu.Pid] = qemu;
        Last = qemu;
        return Task.FromResult<Result<IQemuProcess>>(qemu);
    }

    public Task<IQemuProcess?> AttachAsync(int pid, VmRuntimePaths paths, CancellationToken ct) =>
        Task.FromResult<IQemuProcess?>(Running.TryGetValue(pid, out FakeQemu? q) && q.IsAlive ? q : null);

    public void RemoveRuntimeFiles(VmRuntimePaths paths) => RemovedRuntimeFiles++;
}
