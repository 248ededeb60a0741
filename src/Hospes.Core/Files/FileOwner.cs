using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Core.Files;

/// <summary>Changes who owns a file (.NET has no chown): by an open handle, or a path that is never followed if a symlink.</summary>
public static class FileOwner
{
    /// <summary>The file open as <paramref name="file"/> gets owner <paramref name="uid"/> and group <paramref name="gid"/>.</summary>
    public static void Set(SafeFileHandle file, int uid, int gid)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (FChown((int)file.DangerousGetHandle(), (uint)uid, (uint)gid) != 0)
        {
            throw new IOException($"cannot give a file to {uid}:{gid}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary><paramref name="path"/> (itself, never a symlink's target) gets owner <paramref name="uid"/> and group <paramref name="gid"/>.</summary>
    public static void Set(string path, int uid, int gid)
    {
        if (LChown(path, (uint)uid, (uint)gid) != 0)
        {
            throw new IOException($"cannot give {path} to {uid}:{gid}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "fchown", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FChown(int fd, uint uid, uint gid);

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int LChown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint uid, uint gid);
}
