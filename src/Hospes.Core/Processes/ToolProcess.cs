using System.ComponentModel;
using System.Diagnostics;
using Hospes.Core.Errors;

namespace Hospes.Core.Processes;

/// <summary>
/// The one way Hospes runs a host tool to completion: argv, optional stdin, a timeout, <c>LC_ALL=C</c>, bounded capture
/// of stdout and stderr. A timeout or a cancellation kills the tool and every process it started. A non-zero exit,
/// a timeout and a missing tool come back as a <see cref="ToolError"/>; a cancellation throws
/// <see cref="OperationCanceledException"/> once the tool is gone.
/// </summary>
public static class ToolProcess
{
    /// <summary>After a kill, how long to wait for the last of the output before reporting what came.</summary>
    private static readonly TimeSpan DrainAfterKill = TimeSpan.FromSeconds(1);

    public static Task<Result<ToolOutput>> RunAsync(string program, IEnumerable<string> arguments, CancellationToken ct) =>
        RunAsync(new ToolCommand(program, arguments), ct);

    public static async Task<Result<ToolOutput>> RunAsync(ToolCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ct.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = StartInfo(command) };
        long started = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new ToolNotInstalled(command, e.Message);
        }

        var stdout = OutputCapture.Start(process.StandardOutput, command.OutputLimit);
        var stderr = OutputCapture.Start(process.StandardError, command.OutputLimit);
        _ = WriteInputAsync(process.StandardInput, command.StandardInput);
        Task outputs = Task.WhenAll(stdout.Completion, stderr.Completion);
        ToolOutput Output() => new(process.ExitCode, stdout.Text, stderr.Text, Stopwatch.GetElapsedTime(started))
        {
            Truncated = stdout.Truncated || stderr.Truncated,
        };

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (command.Timeout is { } timeout)
        {
            limit.CancelAfter(timeout);
        }

        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            if (command.DaemonGrace is { } grace)
            {
                try
                {
                    await outputs.WaitAsync(grace, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return new ToolOutputHeld(command, Output());
                }
            }
            else
            {
                await outputs.WaitAsync(limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            await DrainAsync(outputs).ConfigureAwait(false);
            return new ToolTimedOut(command, command.Timeout ?? TimeSpan.Zero, Output());
        }

        ToolOutput output = Output();
        return output.Succeeded ? output : new ToolExited(command, output);
    }

    private static ProcessStartInfo StartInfo(ToolCommand command)
    {
        var info = new ProcessStartInfo(command.Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? "",
        };
        foreach (string argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Tool messages are matched in places ("Cannot find device", "No space left on device"): keep them untranslated.
        info.Environment["LC_ALL"] = "C";
        foreach ((string name, string value) in command.Environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    // Not awaited: a tool may exit without reading its input, and then writing fails; its exit code and stderr say why.
    private static async Task WriteInputAsync(StreamWriter stdin, string? text)
    {
        try
        {
            if (text is not null)
            {
                await stdin.WriteAsync(text.AsMemory(), CancellationToken.None).ConfigureAwait(false);
            }

            stdin.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // See above.
        }
    }

    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited on its own meanwhile.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    // A process the tool left behind (and the kill did not reach) may hold the pipes: report what came by then.
    private static async Task DrainAsync(Task outputs)
    {
        try
        {
            await outputs.WaitAsync(DrainAfterKill).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // See above.
        }
    }
}
