using System.ComponentModel;
using System.Diagnostics;

namespace Hospes.Network;

/// <summary>Runs one short-lived tool to completion, capturing its output; kills it on timeout or cancellation.</summary>
internal static class ToolProcess
{
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    public static async Task<ToolResult> RunAsync(IReadOnlyList<string> argv, string commandLine, string? standardInput, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        // Tool messages are matched in a few places ("Cannot find device"): keep them untranslated.
        psi.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new NetToolException($"cannot run '{commandLine}': {e.Message}", commandLine, exitCode: null, standardError: "", e);
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), ct).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool exited without reading its input; its exit code and stderr say why.
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            throw new NetToolException($"'{commandLine}' did not finish within {timeout.TotalSeconds:0} s and was killed", commandLine, exitCode: null, standardError: await stderr.ConfigureAwait(false));
        }

        try
        {
            // A daemon that forked but kept our pipes open would otherwise hang us here.
            await Task.WhenAll(stdout, stderr).WaitAsync(OutputGrace, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NetToolException($"'{commandLine}' exited but a process it left behind keeps its output open", commandLine, process.ExitCode, standardError: "");
        }

        return new ToolResult(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
