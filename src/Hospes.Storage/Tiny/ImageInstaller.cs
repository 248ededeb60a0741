using System.Runtime.InteropServices;
using Hospes.Core.Files;

namespace Hospes.Storage.Tiny;

/// <summary>
/// Puts a finished image directory in place in one step, so a reader sees the old image or the new one, never a mix
/// (a new kernel with old modules would not boot).
/// </summary>
internal static class ImageInstaller
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    /// <summary>Moves <paramref name="staging"/> to <paramref name="imageDir"/>, replacing it; the old image is deleted.</summary>
    public static void Install(string staging, string imageDir)
    {
        if (!Path.Exists(imageDir))
        {
            try
            {
                DurableFiles.MoveDirectory(staging, imageDir);
                return;
            }
            catch (IOException) when (Path.Exists(imageDir))
            {
                // Another build installed first; swap with it below.
            }
        }

        if (renameat2(AtFdCwd, staging, AtFdCwd, imageDir, RenameExchange) != 0)
        {
            // No RENAME_EXCHANGE on this filesystem: two renames, with a brief moment without an image.
            string old = staging + ".old";
            DurableFiles.MoveDirectory(imageDir, old);
            DurableFiles.MoveDirectory(staging, imageDir);
            Tools.TempDirectory.TryDelete(old);
            return;
        }

        DurableFiles.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(imageDir))!);

        // The old image is now at the staging path.
        Tools.TempDirectory.TryDelete(staging);
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int renameat2(
        int olddirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath,
        int newdirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath,
        uint flags);
}
