using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Storage.Tiny.Tools;

/// <summary>
/// Runs a host tool (apt-cache, apt-get, dpkg-deb) to completion through <see cref="ToolProcess"/>. Any exit code is a
/// value for the caller to judge (<see cref="ToolOutput.Succeeded"/>, <c>Complaint</c>); only a tool that cannot run is an error.
/// </summary>
internal static class ToolRunner
{
    public static Task<Result<ToolOutput>> RunAsync(string tool, IReadOnlyList<string> args, string? workingDirectory, CancellationToken ct) =>
        RunAsync(
            new ToolCommand(tool, args) { WorkingDirectory = workingDirectory },
            missing => $"cannot run {tool}: {missing.Reason}; the tiny image is built from Debian packages and needs {tool} (Debian/Ubuntu host)",
            ct);

    /// <summary>Runs <paramref name="command"/>; a tool that cannot be started is reported with <paramref name="notInstalled"/>'s words.</summary>
    public static async Task<Result<ToolOutput>> RunAsync(ToolCommand command, Func<ToolNotInstalled, string> notInstalled, CancellationToken ct)
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, ct).ConfigureAwait(false);
        return run.Error switch
        {
            null => run,
            ToolExited exited => exited.Output,
            ToolNotInstalled missing => HospesError.Unavailable(notInstalled(missing)),
            _ => run.Error,
        };
    }
}
