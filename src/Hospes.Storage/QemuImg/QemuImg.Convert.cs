using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;
using Hospes.Core.Files;

namespace Hospes.Storage.QemuImg;

public sealed partial class QemuImg
{
    /// <summary>
    /// Copies an image into a new file of <paramref name="dstFormat"/>. qemu-img writes <c>dst.partial</c>,
    /// renamed on success: a failed or cancelled convert leaves no half-written image behind.
    /// </summary>
    public async Task<Result<bool>> ConvertAsync(string src, string srcFormat, string dst, string dstFormat, CancellationToken ct)
    {
        if (File.Exists(dst))
        {
            return HospesError.Conflict($"qemu-img convert {src} to {dst}: {dst} exists; choose another destination or delete it first");
        }

        string partial = dst + ".partial";
        List<string> args = ["convert", "-f", srcFormat, "-O", dstFormat, src, partial];
        bool done = false;
        try
        {
            Result<ToolOutput> run = await RunAsync("convert", src, args, timeout: null, ct).ConfigureAwait(false);
            if (!run.IsOk)
            {
                return run.Error;
            }

            DurableFiles.MoveFile(partial, dst);
            done = true;
            return true;
        }
        catch (IOException e)
        {
            return HospesError.Unavailable($"qemu-img convert {src}: cannot move the result to {dst}: {e.Message}; free the destination name and retry");
        }
        finally
        {
            if (!done)
            {
                DeleteQuietly(partial);
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reporting the convert's own failure matters more than a leftover .partial file.
        }
    }
}
