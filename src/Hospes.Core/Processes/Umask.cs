using System.Runtime.InteropServices;

namespace Hospes.Core.Processes;

/// <summary>The process's file-creation mask (umask), set for a while and then restored.</summary>
public static class Umask
{
    /// <summary>077: what is created meanwhile is its owner's alone (files 0600, folders and sockets 0700).</summary>
    public const uint OwnerOnly = 0x3F;

    /// <summary>
    /// Sets the mask until the returned scope is disposed. The mask is the whole process's: what other threads create
    /// meanwhile is as private too, never less.
    /// </summary>
    public static IDisposable Restrict(uint mask)
    {
        uint before = SetMask(mask);
        return new Scope(before);
    }

    /// <summary>The mask now in force (read by setting it and setting it back).</summary>
    public static uint Current()
    {
        uint mask = SetMask(OwnerOnly);
        _ = SetMask(mask);
        return mask;
    }

    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint SetMask(uint mask);

    private sealed class Scope(uint before) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _ = SetMask(before);
            }
        }
    }
}
