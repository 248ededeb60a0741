using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.QemuImg;

public sealed partial class QemuImg
{
    // qemu-img check's exit codes: 0 clean, 1 the check could not run (or hit errors), 2 corruptions,
    // 3 leaks only, 63 the format has no check. A printed report is read whatever the code.
    private const int CheckUnsupported = 63;

    /// <summary>
    /// Checks an image's metadata without repairing it. An image that cannot be opened (a garbled header) is
    /// an error; an image with corruptions or leaks is a result that is not <see cref="CheckResult.Clean"/>.
    /// </summary>
    public async Task<Result<CheckResult>> CheckAsync(string path, string format, CancellationToken ct)
    {
        Result<ToolOutput> run = await HostProcess.RunAsync(BinaryPath, ["check", "-f", format, "--output=json", path], "qemu-utils", ct, timeout: MetadataLimit)
            .ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        ToolOutput r = run.Value;
        if (r.ExitCode == CheckUnsupported)
        {
            return new CheckResult { Clean = true, Supported = false, Message = QemuImgError.Complaint(r) };
        }

        if (r.StandardOutput.TrimStart().StartsWith('{'))
        {
            try
            {
                return CheckJson.Parse(r.StandardOutput, r.StandardError.Trim());
            }
            catch (JsonException)
            {
                // Fall through to the exit code.
            }
        }

        if (r.ExitCode != 0)
        {
            return QemuImgError.From("check", path, r);
        }

        return HospesError.Invalid($"qemu-img check {path}: no report printed; is {BinaryPath} a QEMU 6+ qemu-img?");
    }
}
