using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Qemu.Launch;

/// <summary>
/// Runs a short-lived tool to completion through <see cref="ToolProcess"/>, in the shape its older callers expect: any exit
/// and a timeout are a <see cref="ProcessResult"/>, a missing tool a <see cref="FileNotFoundException"/>. New code uses
/// <see cref="ToolProcess"/> directly.
/// </summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct = default)
    {
        Result<ToolOutput> run = await ToolProcess.RunAsync(new ToolCommand(fileName, arguments) { Timeout = timeout }, ct).ConfigureAwait(false);
        return run.Error switch
        {
            null => From(run.Value, timedOut: false),
            ToolExited exited => From(exited.Output, timedOut: false),
            ToolTimedOut timedOut => From(timedOut.Output, timedOut: true),
            ToolNotInstalled missing => throw new FileNotFoundException($"cannot run {fileName}: {missing.Reason}", fileName),
            _ => throw new HospesException(run.Error),
        };
    }

    private static ProcessResult From(ToolOutput output, bool timedOut) =>
        new(output.ExitCode, output.StandardOutput, output.StandardError, output.Elapsed, timedOut);
}
