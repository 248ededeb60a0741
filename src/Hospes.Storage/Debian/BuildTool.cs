using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Debian;

/// <summary>Runs one step of an image build and turns a failure into an error that says which step, why, and what to do.</summary>
internal static class BuildTool
{
    public static async Task<HospesError?> RunAsync(string tool, IReadOnlyList<string> args, string step, string fix, CancellationToken ct)
    {
        Result<ToolOutput> run = await ToolRunner.RunAsync(tool, args, null, ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        return run.Value.Succeeded ? null : HospesError.Unavailable($"{step}: {Path.GetFileName(tool)} failed: {run.Value.Complaint}; {fix}");
    }

    /// <summary>Runs <paramref name="tool"/> inside the root filesystem being built (chroot, no mounts needed).</summary>
    public static Task<HospesError?> InChrootAsync(string root, IReadOnlyList<string> command, string step, CancellationToken ct) =>
        RunAsync("chroot", [root, .. command], step, "the root filesystem in the build directory may be incomplete; run the build again", ct);
}
