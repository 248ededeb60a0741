using System.Runtime.InteropServices;

namespace Hospes.Core.Files;

/// <summary>
/// Renames that survive a power loss. A rename is a change to the folders involved, and it is on disk only once those
/// folders are flushed (fsync of the directory): without it a row committed right after may name a folder that, after
/// a crash, is still under its old name.
/// </summary>
public static class DurableFiles
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on x86_64 and arm64

    /// <summary>Moves a folder and flushes both parents.</summary>
    public static void MoveDirectory(string from, string to)
    {
        System.IO.Directory.Move(from, to);
        FlushParents(from, to);
    }

    /// <summary>Moves a file and flushes both parents.</summary>
    public static void MoveFile(string from, string to, bool overwrite = false)
    {
        File.Move(from, to, overwrite);
        FlushParents(from, to);
    }

    /// <summary>Flushes a folder's entries (names made, renamed or removed in it) to disk; best effort on filesystems that cannot.</summary>
    public static void FlushDirectory(string dir)
    {
        int fd = open(dir, ReadOnly | Directory);
        if (fd < 0)
        {
            return; // gone, or not ours to open: the rename itself stands, only its durability is not promised
        }

        try
        {
            _ = fsync(fd);
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static void FlushParents(string from, string to)
    {
        string? a = Path.GetDirectoryName(Path.GetFullPath(from));
        string? b = Path.GetDirectoryName(Path.GetFullPath(to));
        if (b is not null)
        {
            FlushDirectory(b);
        }

        if (a is not null && a != b)
        {
            FlushDirectory(a);
        }
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int close(int fd);
}
