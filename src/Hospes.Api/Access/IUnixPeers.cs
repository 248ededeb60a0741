using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>Who is at the other end of a request's connection when it came over the unix socket; null for any other.</summary>
internal interface IUnixPeers
{
    UnixPeer? Of(HttpContext http);
}
