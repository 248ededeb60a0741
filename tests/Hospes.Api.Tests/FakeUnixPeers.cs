using Hospes.Api.Access;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Tests;

/// <summary>The test server's "unix socket": every plain-HTTP request comes from <see cref="Peer"/> (root by default).</summary>
internal sealed class FakeUnixPeers : IUnixPeers
{
    public UnixPeer Peer { get; set; } = new(1, 0, 0);

    public UnixPeer? Of(HttpContext http) => http.Request.IsHttps ? null : Peer;
}
