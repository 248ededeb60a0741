using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// Sends bytes over a connected unix socket with one file descriptor attached (SCM_RIGHTS), as QMP's add-fd and getfd
/// take them: .NET's Socket has no API for ancillary data. The receiver gets its own copy of the descriptor.
/// </summary>
internal static unsafe partial class UnixFdSender
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int EAgain = 11;
    private const int EIntr = 4;

    /// <summary>
    /// Sends <paramref name="bytes"/> with <paramref name="fd"/> attached to the first one; returns how many bytes went
    /// (the caller sends the rest as usual). Waits while the socket's buffer is full.
    /// </summary>
    public static int Send(Socket socket, ReadOnlySpan<byte> bytes, SafeHandle fd)
    {
        bool socketRef = false, fdRef = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref socketRef);
            fd.DangerousAddRef(ref fdRef);
            int sock = (int)socket.SafeHandle.DangerousGetHandle();
            int passed = (int)fd.DangerousGetHandle();

            // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; int data; } padded to CMSG_SPACE(4) = 24.
            byte* control = stackalloc byte[24];
            new Span<byte>(control, 24).Clear();
            *(ulong*)control = 20; // CMSG_LEN(sizeof(int))
            *(int*)(control + 8) = SolSocket;
            *(int*)(control + 12) = ScmRights;
            *(int*)(control + 16) = passed;
            fixed (byte* data = bytes)
            {
                var iov = new IoVec { Base = data, Length = (nuint)bytes.Length };
                var msg = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = 24 };
                for (int attempt = 0; ; attempt++)
                {
                    nint sent = SendMsg(sock, &msg, 0);
                    if (sent >= 0)
                    {
                        return (int)sent;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if ((errno == EAgain || errno == EIntr) && attempt < 5000)
                    {
                        Thread.Sleep(1);
                        continue;
                    }

                    throw new SocketException(errno);
                }
            }
        }
        finally
        {
            if (fdRef)
            {
                fd.DangerousRelease();
            }

            if (socketRef)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(int socket, MsgHdr* message, int flags);
}
