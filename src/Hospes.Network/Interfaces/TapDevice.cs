using System.Runtime.InteropServices;
using System.Text;
using Hospes.Network.Tools;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Network.Interfaces;

/// <summary>
/// A tap made by hospesd (root) for a QEMU that has dropped its privileges (network-attach): /dev/net/tun opened and
/// TUNSETIFF'd as QEMU's own -netdev tap would. The tap is not persistent: it goes away when the last descriptor on it
/// closes, so once hospesd has handed its descriptor to QEMU (getfd) and closed its own, it lives exactly as long as
/// QEMU holds it (netdev_del, or QEMU's end however it ends).
/// </summary>
public static partial class TapDevice
{
    public const string TunPath = "/dev/net/tun";

    /// <summary>_IOW('T', 202, int).</summary>
    internal const uint TunSetIff = 0x400454ca;
    internal const short IffTap = 0x0002;
    internal const short IffNoPi = 0x1000;
    internal const short IffVnetHdr = 0x4000;

    /// <summary>IFNAMSIZ: 15 characters and the terminating zero.</summary>
    internal const int NameSize = 16;

    /// <summary>struct ifreq on Linux (64-bit): the name, then a 24-byte union whose first member here is ifr_flags.</summary>
    internal const int IfreqSize = 40;

    private const int ORdWr = 0x2;
    private const int OCloExec = 0x80000;
    private const int EBusy = 16;

    /// <summary>The struct ifreq TUNSETIFF takes: the name zero-terminated, then IFF_TAP | IFF_NO_PI | IFF_VNET_HDR.</summary>
    internal static byte[] Ifreq(string name)
    {
        if (NameProblem(name) is { } problem)
        {
            throw new NetToolException($"tap '{name}': {problem}");
        }

        byte[] ifreq = new byte[IfreqSize];
        Encoding.ASCII.GetBytes(name, ifreq);
        BitConverter.TryWriteBytes(ifreq.AsSpan(NameSize, 2), (short)(IffTap | IffNoPi | IffVnetHdr));
        return ifreq;
    }

    /// <summary>Why <paramref name="name"/> cannot be a tap's name, or null.</summary>
    internal static string? NameProblem(string name) =>
        name.Length == 0 ? "an interface needs a name"
        : name.Length >= NameSize ? $"an interface name has at most {NameSize - 1} characters"
        : name.Any(c => c > 127 || c == '/' || c == '\0' || char.IsWhiteSpace(c)) ? "an interface name is ASCII without '/' or spaces"
        : null;

    /// <summary>
    /// Makes the tap <paramref name="name"/> and returns the descriptor on it (close-on-exec). The caller checks first
    /// that no link of that name exists (TUNSETIFF would join a persistent tap of that name).
    /// </summary>
    public static SafeFileHandle Create(string name, string tunPath = TunPath)
    {
        byte[] ifreq = Ifreq(name);
        var fd = new SafeFileHandle(Open(tunPath, ORdWr | OCloExec), ownsHandle: true);
        if (fd.IsInvalid)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new NetToolException($"tap '{name}': cannot open {tunPath}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}); hospesd must run as root on a kernel with the tun module");
        }

        try
        {
            if (Ioctl(fd, TunSetIff, ifreq) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                string why = errno == EBusy ? "an interface of that name exists already" : Marshal.GetPInvokeErrorMessage(errno);
                throw new NetToolException($"tap '{name}': TUNSETIFF failed: {why} (errno {errno})");
            }

            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(SafeFileHandle fd, nuint request, byte[] ifreq);
}
