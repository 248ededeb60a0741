namespace Hospes.Qemu.Logs;

/// <summary>
/// Keeps a VM's logs (console, QEMU's own output, QMP) under a cap whatever a guest does: a log rotates once it holds
/// half the cap into one older part (NAME.1), so the log and its older part together stay about the cap.
/// </summary>
public static class LogCap
{
    public const int DefaultMaxMib = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The older part of <paramref name="path"/>: what the last rotation kept.</summary>
    public static string OlderPart(string path) => path + ".1";

    /// <summary>The size at which a log of a VM whose logs may take <paramref name="maxBytes"/> rotates.</summary>
    public static long RotateAt(long maxBytes) => Math.Max(4096, maxBytes / 2);

    /// <summary>
    /// For a log another process appends to (QEMU opens its console log and its stderr with O_APPEND, so they cannot
    /// be renamed under it): once it reaches <see cref="RotateAt"/>, its last part of that size is copied to the older
    /// part and the log is truncated; the writer's next write lands at the new end. What the writer adds between the copy
    /// and the truncation (microseconds) is lost. Returns whether it rotated.
    /// </summary>
    public static bool CopyTruncateIfOver(string path, long maxBytes)
    {
        long at = RotateAt(maxBytes);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length < at)
        {
            return false;
        }

        string older = OlderPart(path);
        string partial = older + ".partial";
        using (var log = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            log.Seek(Math.Max(0, log.Length - at), SeekOrigin.Begin);
            using (var copy = new FileStream(partial, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
            {
                // To the end as it is now (a fast writer may have added some), but never more than twice the part.
                byte[] buffer = new byte[64 * 1024];
                long left = 2 * at;
                int n;
                while (left > 0 && (n = log.Read(buffer, 0, (int)Math.Min(buffer.Length, left))) > 0)
                {
                    copy.Write(buffer, 0, n);
                    left -= n;
                }
            }

            log.SetLength(0);
        }

        File.Move(partial, older, overwrite: true);
        return true;
    }

    /// <summary>For a log nobody has open now (hospesd's own, between writes): it becomes the older part.</summary>
    public static void Rotate(string path) => File.Move(path, OlderPart(path), overwrite: true);
}
