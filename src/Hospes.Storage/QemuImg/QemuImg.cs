using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.QemuImg;

/// <summary>
/// Typed access to the host's <c>qemu-img</c>: Hospes never reads or writes image formats itself.
/// Operations that change an image expect no VM to be using it; qemu-img's image locks refuse otherwise.
/// </summary>
public sealed partial class QemuImg : IQemuImg
{
    public QemuImg(string? binaryPath = null)
    {
        BinaryPath = binaryPath ?? "qemu-img";
    }

    public string BinaryPath { get; }

    /// <summary>Probes the image's format and reads its size, backing chain and snapshots.</summary>
    public Task<Result<ImageFileInfo>> InfoAsync(string path, CancellationToken ct) => InfoAsync(path, null, ct);

    /// <summary>
    /// As <see cref="InfoAsync(string, CancellationToken)"/>, with the format given instead of probed. Runs with
    /// force-share (-U), so it also reads images a running QEMU holds.
    /// </summary>
    public async Task<Result<ImageFileInfo>> InfoAsync(string path, string? format, CancellationToken ct)
    {
        List<string> args = ["info", "-U", "--output=json", "--backing-chain"];
        if (format is not null)
        {
            args.AddRange(["-f", format]);
        }

        args.Add(path);
        Result<ToolOutput> run = await RunAsync("info", path, args, ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        try
        {
            return ImageInfoJson.Parse(run.Value.StandardOutput);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return HospesError.Invalid($"qemu-img info {path}: unexpected output ({e.Message}); is {BinaryPath} a QEMU 6+ qemu-img?");
        }
    }

    /// <summary>
    /// The format qemu-img probes for an unknown file. Any file that is no known image probes as raw, so a
    /// raw answer is flagged for the caller to decide.
    /// </summary>
    public async Task<Result<DetectedFormat>> DetectAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return HospesError.NotFound($"{path} does not exist; check the path");
        }

        Result<ImageFileInfo> info = await InfoAsync(path, ct).ConfigureAwait(false);
        return info.IsOk ? new DetectedFormat(info.Value.Format, info.Value.VirtualSize) : info.Error;
    }

    /// <summary>Runs qemu-img; a non-zero exit becomes an error naming the command and the file.</summary>
    private async Task<Result<ToolOutput>> RunAsync(string command, string path, IReadOnlyList<string> args, CancellationToken ct)
    {
        Result<ToolOutput> run = await HostProcess.RunAsync(BinaryPath, args, "qemu-utils", ct).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        return run.Value.Succeeded ? run : QemuImgError.From(command, path, run.Value);
    }
}
