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
    /// <summary>Reading an image's header takes milliseconds; a file that makes qemu-img wait (a FIFO, a hung mount) must not hold a caller forever.</summary>
    private static readonly TimeSpan InfoLimit = TimeSpan.FromMinutes(1);

    /// <summary>Metadata work (check, snapshots, resize, create, rebase) on a large image; copies of data (convert, commit) run until cancelled.</summary>
    private static readonly TimeSpan MetadataLimit = TimeSpan.FromMinutes(10);

    public QemuImg(string? binaryPath = null)
    {
        BinaryPath = binaryPath ?? "qemu-img";
    }

    public string BinaryPath { get; }

    /// <summary>
    /// Reads the image as <paramref name="format"/>: size, snapshots, and its backing file as written (not opened: a
    /// backing file may name a device, a FIFO or a URL). Runs with force-share (-U), so it also reads images a running
    /// QEMU holds.
    /// </summary>
    public Task<Result<ImageFileInfo>> InfoAsync(string path, string format, CancellationToken ct) => ReadInfoAsync(path, format, ct);

    /// <summary>As <see cref="InfoAsync(string, string, CancellationToken)"/>, the format probed: only for files of Hospes's own making (tests) and <see cref="DetectAsync"/>.</summary>
    internal Task<Result<ImageFileInfo>> InfoAsync(string path, CancellationToken ct) => ReadInfoAsync(path, null, ct);

    private async Task<Result<ImageFileInfo>> ReadInfoAsync(string path, string? format, CancellationToken ct)
    {
        List<string> args = ["info", "-U", "--output=json"];
        if (format is not null)
        {
            args.AddRange(["-f", format]);
        }

        args.Add(path);
        Result<ToolOutput> run = await RunAsync("info", path, args, InfoLimit, ct).ConfigureAwait(false);
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

        Result<ImageFileInfo> info = await ReadInfoAsync(path, null, ct).ConfigureAwait(false);
        return info.IsOk ? new DetectedFormat(info.Value.Format, info.Value.VirtualSize) : info.Error;
    }

    /// <summary>Runs qemu-img; a non-zero exit becomes an error naming the command and the file.</summary>
    /// <param name="timeout">Null: until cancelled (copies of data).</param>
    private async Task<Result<ToolOutput>> RunAsync(string command, string path, IReadOnlyList<string> args, TimeSpan? timeout, CancellationToken ct)
    {
        Result<ToolOutput> run = await HostProcess.RunAsync(BinaryPath, args, "qemu-utils", ct, timeout: timeout).ConfigureAwait(false);
        if (!run.IsOk)
        {
            return run.Error;
        }

        return run.Value.Succeeded ? run : QemuImgError.From(command, path, run.Value);
    }
}
