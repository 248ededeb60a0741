using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.QemuImg;

/// <summary>
/// Runs a storage tool (qemu-img, debugfs) to completion. Unlike the tiny builder's runner, a missing tool
/// is reported with the package that provides it.
/// </summary>
internal static class HostProcess
{
    /// <param name="daemonGrace">For a tool that daemonizes (qemu-storage-daemon --daemonize): see <see cref="ToolCommand.DaemonGrace"/>.</param>
    /// <param name="timeout">How long the tool may run before it is killed (a timed-out error); null: until cancelled.</param>
    /// <param name="outputLimit">Characters of stdout and of stderr kept; the rest is read and dropped.</param>
    public static Task<Result<ToolOutput>> RunAsync(
        string tool, IReadOnlyList<string> args, string package, CancellationToken ct, TimeSpan? daemonGrace = null, TimeSpan? timeout = null, int outputLimit = ToolCommand.DefaultOutputLimit) =>
        ToolRunner.RunAsync(
            new ToolCommand(tool, args) { Package = package, DaemonGrace = daemonGrace, Timeout = timeout, OutputLimit = outputLimit },
            missing => $"cannot run {tool}: {missing.Reason}; install the {package} package",
            ct);
}
