using System.ComponentModel;
using System.Diagnostics;
using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Tools;

/// <summary>Runs a host tool (apt-cache, apt-get, dpkg-deb) to completion and captures its output.</summary>
internal static class ToolRunner
{
    public static async Task<Result<ToolResult>> RunAsync(
        string tool, IReadOnlyList<string> args, string? workingDirectory, CancellationToken ct)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Stable, parseable messages whatever the caller's locale.
        info.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return HospesError.Unavailable(
                $"cannot run {tool}: {e.Message}; the tiny image is built from Debian packages and needs {tool} (Debian/Ubuntu host)");
        }

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own meanwhile.
            }

            throw;
        }
    }
}
