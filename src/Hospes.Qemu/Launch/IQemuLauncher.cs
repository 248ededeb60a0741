using Hospes.Core.Errors;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Launch;

/// <summary>Starts QEMUs and finds them again after a restart of hospesd.</summary>
public interface IQemuLauncher
{
    /// <summary>Starts QEMU with <paramref name="arguments"/> and connects QMP; a QEMU that fails says why.</summary>
    /// <param name="smallPages">QEMU runs with transparent huge pages off (a fork's, see HugePages).</param>
    Task<Result<IQemuProcess>> LaunchAsync(string qemuPath, IReadOnlyList<string> arguments, VmRuntimePaths paths, CancellationToken ct, bool smallPages = false);

    /// <summary>Reconnects to a QEMU started by an earlier hospesd, if it still runs and is the one we started.</summary>
    Task<IQemuProcess?> AttachAsync(int pid, VmRuntimePaths paths, CancellationToken ct);

    /// <summary>The sockets and pid file of one run; logs stay.</summary>
    void RemoveRuntimeFiles(VmRuntimePaths paths);
}
