using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>The session cookie as the browser gets it: HttpOnly (no script reads it), Secure, SameSite=Strict, whole site.</summary>
internal static class SessionCookie
{
    /// <summary>The request's session when it logged in with the cookie (AccessMiddleware leaves it).</summary>
    public const string Item = "hospes.session";

    public static void Set(HttpContext http, string id, WebSession session) =>
        http.Response.Cookies.Append(WebSessions.Cookie, id, Options(session.Expires));

    /// <summary>Tells the browser to drop the cookie (logout, or a cookie hospesd no longer knows).</summary>
    public static void Clear(HttpContext http) =>
        http.Response.Cookies.Append(WebSessions.Cookie, "", Options(DateTimeOffset.UnixEpoch));

    /// <summary>The cookie's value, unless the request also sends an Authorization header (which wins).</summary>
    public static string? Of(HttpContext http) =>
        string.IsNullOrEmpty(http.Request.Headers.Authorization) && http.Request.Cookies[WebSessions.Cookie] is { Length: > 0 } id ? id : null;

    public static WebSession? SessionOf(HttpContext http) =>
        http.Items.TryGetValue(Item, out object? s) ? s as WebSession : null;

    private static CookieOptions Options(DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
    };
}
