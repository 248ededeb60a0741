using System.ComponentModel;
using System.Diagnostics;
using Hospes.Core.Errors;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.QemuImg;

/// <summary>
/// Runs a storage tool (qemu-img, debugfs) to completion. Unlike the tiny builder's runner, a missing tool
/// is reported with the package that provides it, and a cancelled run kills the tool.
/// </summary>
internal static class HostProcess
{
    public static async Task<Result<ToolResult>> RunAsync(
        string tool, IReadOnlyList<string> args, string package, CancellationToken ct)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
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
            return HospesError.Unavailable($"cannot run {tool}: {e.Message}; install the {package} package");
        }

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own meanwhile.
            }

            throw;
        }

        return new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
