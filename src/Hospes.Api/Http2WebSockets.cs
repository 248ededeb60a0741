using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Hospes.Api;

/// <summary>
/// A browser opens a WebSocket on its HTTP/2 connection as an extended CONNECT (RFC 8441) with :protocol websocket, not
/// HTTP/1.1's GET with Upgrade. Every WebSocket endpoint of the API is a GET (its route, its access rule, its OpenAPI
/// row): such a CONNECT is that GET for routing and the access check (<see cref="AsGet"/>, before routing), and a
/// CONNECT again for ASP.NET Core's WebSocket middleware, which accepts only that (<see cref="Restore"/>, just before it).
/// </summary>
internal static class Http2WebSockets
{
    private const string Item = "hospes.h2-websocket";

    public static Task AsGet(HttpContext http, RequestDelegate next)
    {
        if (HttpMethods.IsConnect(http.Request.Method)
            && http.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            http.Request.Method = HttpMethods.Get;
            http.Items[Item] = true;
        }

        return next(http);
    }

    public static Task Restore(HttpContext http, RequestDelegate next)
    {
        if (http.Items.ContainsKey(Item))
        {
            http.Request.Method = HttpMethods.Connect;
        }

        return next(http);
    }
}
