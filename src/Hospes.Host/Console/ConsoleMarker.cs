using System.Text;

namespace Hospes.Host.Console;

/// <summary>Waits for a line a guest prints on its console, by reading the VM's console log as it grows.</summary>
internal static class ConsoleMarker
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>True once <paramref name="marker"/> appears after <paramref name="fromOffset"/>; false when the time is up or the VM stopped.</summary>
    public static async Task<bool> WaitAsync(string logPath, string marker, long fromOffset, Func<bool> stillRunning, TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        DateTimeOffset deadline = time.GetUtcNow() + limit;
        long offset = fromOffset;
        string carry = "";
        while (time.GetUtcNow() < deadline)
        {
            if (File.Exists(logPath))
            {
                await using var f = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if (f.Length < offset)
                {
                    // The log was rotated (logs.vm_max_mib, VmLogCap): what the guest printed since is from its start.
                    offset = 0;
                }

                if (f.Length > offset)
                {
                    f.Seek(offset, SeekOrigin.Begin);
                    byte[] buffer = new byte[f.Length - offset];
                    int read = await f.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    offset += read;
                    string text = carry + Encoding.UTF8.GetString(buffer, 0, read);
                    if (text.Contains(marker, StringComparison.Ordinal))
                    {
                        return true;
                    }

                    carry = text.Length > marker.Length ? text[^marker.Length..] : text;
                }
            }

            if (!stillRunning())
            {
                return false;
            }

            await Task.Delay(Poll, time, ct).ConfigureAwait(false);
        }

        return false;
    }

    public static long LengthOf(string logPath) => File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
}
