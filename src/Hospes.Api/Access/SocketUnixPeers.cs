using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>
/// SO_PEERCRED of the connection's socket (struct ucred: pid, uid, gid as three ints): the kernel's word, taken when the
/// client connected, so a client cannot claim another user. Read once per connection.
/// </summary>
internal sealed class SocketUnixPeers : IUnixPeers
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private static readonly object Key = new();

    public UnixPeer? Of(HttpContext http)
    {
        if (http.Features.Get<IConnectionSocketFeature>()?.Socket is not { AddressFamily: AddressFamily.Unix } socket)
        {
            return null;
        }

        IDictionary<object, object?>? items = http.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(Key, out object? known) == true && known is UnixPeer cached)
        {
            return cached;
        }

        Span<byte> ucred = stackalloc byte[12];
        int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);

        // A unix socket whose peer the kernel cannot name is nobody's: uid -1 is no user, so never an admin.
        UnixPeer peer = length == 12
            ? new UnixPeer(MemoryMarshal.Read<int>(ucred), MemoryMarshal.Read<int>(ucred[4..]), MemoryMarshal.Read<int>(ucred[8..]))
            : new UnixPeer(0, -1, -1);
        if (items is not null)
        {
            items[Key] = peer;
        }

        return peer;
    }
}
