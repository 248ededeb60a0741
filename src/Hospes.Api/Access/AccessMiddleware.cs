using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Hospes.Api.Access;

/// <summary>
/// Every request but a host's (/v1/peer, decided by the peer group's certificate check and the join token): who it is
/// (the unix socket's peer credentials, or what an HTTPS request presents), whether its route lets that caller in
/// (<see cref="AccessGate"/>, on the routed endpoint's template), and the audit row of what it changed or was refused.
/// Runs after routing, so the endpoint is known; an unknown route answers 404 to a caller who logged in, 401 to others.
/// </summary>
internal sealed class AccessMiddleware(
    IUnixPeers unixPeers, UnixAccounts accounts, HttpLogin login, FailedLogins failures, AuditThrottle throttle, AccessGate gate, AuditLog audit, WebSessions sessions, Logins logins,
    ClusterForwarding forwarding, Cluster.ForwardProxy proxy)
{
    /// <summary>The fallback's template: any path no route matched (answers 404, needs no rule).</summary>
    public const string Fallback = "{*path}";

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path.StartsWithSegments("/v1/peer", StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        // The web UI's login is the one route for those not logged in: its endpoint checks the password, counts a
        // failure against the rate limit and writes the audit row (SessionEndpoints).
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(Contracts.Routes.Session, StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        var request = new AuditedRequest(http, audit);
        Caller? caller = unixPeers.Of(http) is { } peer ? await UnixAsync(http, peer, request) : await NetworkAsync(http, request);
        if (caller is null)
        {
            return;
        }

        Callers.Set(http, caller);
        if (SessionCookie.SessionOf(http) is { } session && CookieRefusal(http, session) is { } refusal)
        {
            await request.RefuseAsync(caller.Display, caller.Source, refusal, record: true);
            return;
        }

        // In a cluster, a request for a VM another host owns goes there, which authorizes it (ForwardProxy).
        if (await proxy.TryAsync(http, caller, request, next))
        {
            return;
        }

        if (http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template } && template != Fallback)
        {
            Result<bool> allowed = gate.Authorize(caller, http.Request.Method, template, name => Value(http, name));
            if (!allowed.IsOk)
            {
                await request.RefuseAsync(caller.Display, caller.Source, allowed.Error, record: true);
                return;
            }
        }

        // A WebSocket another host forwarded is recorded too: the row names who opened it there.
        bool forwardedSocket = http.Request.Headers.ContainsKey(ClusterForwarding.EnvelopeHeader) && IsWebSocket(http);
        if ((HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) && !forwardedSocket)
        {
            await next(http);
            return;
        }

        try
        {
            await next(http);
        }
        catch (Exception e)
        {
            // The exception handler answers: a malformed body is the caller's 400 (or 413), anything else the host's 500.
            int status = e is BadHttpRequestException bad ? bad.StatusCode : e is System.Text.Json.JsonException ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;
            request.Record(caller.Display, caller.Source, string.Create(CultureInfo.InvariantCulture, $"{status} {e.Message}"));
            throw;
        }

        request.Record(caller.Display, caller.Source, http.Response.StatusCode.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<Caller?> UnixAsync(HttpContext http, UnixPeer peer, AuditedRequest request)
    {
        (string name, bool admin) = accounts.Resolve(peer);
        if (http.Request.Headers.ContainsKey(ClusterForwarding.EnvelopeHeader))
        {
            await request.RefuseAsync(name, "unix", HospesError.Forbidden($"header {ClusterForwarding.EnvelopeHeader} is for requests one cluster host forwards to another over their peer connection, never on the unix socket"), record: true);
            return null;
        }

        if (admin)
        {
            return Caller.LocalAdmin(name);
        }

        string message = string.Create(CultureInfo.InvariantCulture, $"{name} (uid {peer.Uid}) may not use hospesd's unix socket: it is for root and members of group {UnixAccounts.AdminGroup}; ")
            + $"add the user to the group (usermod -aG {UnixAccounts.AdminGroup} {name}), or log in with a token over HTTPS (hospes remote add NAME https://HOST:PORT --token TOKEN)";
        await request.RefuseAsync(name, "unix", HospesError.Forbidden(message), throttle.ShouldRecord($"unix:{peer.Uid}"));
        return null;
    }

    private async Task<Caller?> NetworkAsync(HttpContext http, AuditedRequest request)
    {
        string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        string source = FailedLogins.SourceOf(http.Connection.RemoteIpAddress);
        if (http.Request.Headers[ClusterForwarding.EnvelopeHeader] is [{ } envelope])
        {
            // Forwarded by another host of the cluster: believed from a member's certificate only, never with credentials.
            Result<Caller> forwarded = await forwarding.CallerOfAsync(await http.Connection.GetClientCertificateAsync(http.RequestAborted), envelope, address, http.RequestAborted);
            if (!forwarded.IsOk)
            {
                await request.RefuseAsync("forwarded request", address, forwarded.Error, record: true);
                return null;
            }

            return forwarded.Value;
        }

        string? cookie = SessionCookie.Of(http);
        string? claim = cookie is not null ? "session cookie" : HttpLogin.Claim(http, http.Connection.ClientCertificate is not null);
        if (claim is not null && failures.Refused(source) is var (until, wait, first))
        {
            int seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
            http.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
            string message = string.Create(CultureInfo.InvariantCulture, $"too many failed logins from {source}: more than {failures.Limit} within {failures.Window.TotalSeconds:0} s; ")
                + string.Create(CultureInfo.InvariantCulture, $"try again after {until.UtcDateTime:HH:mm:ss} UTC (in {seconds} s) with the right credentials");
            string recorded = first ? message + " (the refusals that follow in this burst are not recorded)" : message;
            await request.RefuseAsync(claim, address, new HospesError(ErrorCode.TooManyRequests, recorded), record: first, shown: message);
            return null;
        }

        Result<Caller>? result = cookie is not null ? Session(http, cookie, address) : await login.LogInAsync(http, address);
        if (result is null)
        {
            HttpLogin.Challenge(http);
            await request.RefuseAsync("anonymous", address, HospesError.Unauthenticated(HttpLogin.HowToLogIn), throttle.ShouldRecord($"anonymous:{source}"));
            return null;
        }

        if (!result.Value.IsOk)
        {
            failures.Fail(source);
            HttpLogin.Challenge(http);
            if (cookie is not null)
            {
                SessionCookie.Clear(http);
            }

            await request.RefuseAsync(claim ?? "anonymous", address, result.Value.Error, record: true);
            return null;
        }

        return result.Value.Value;
    }

    /// <summary>
    /// The session of the cookie, its user read again: deleted, disabled or expired since, or its password changed since
    /// the login, the session ends (a user enabled again, or the old password set again, does not bring it back).
    /// </summary>
    private Result<Caller> Session(HttpContext http, string cookie, string address)
    {
        if (sessions.Find(cookie) is not { } session)
        {
            return HospesError.Unauthenticated($"the session cookie is not valid (logged out, older than {sessions.Lifetime.TotalHours:0} h, or hospesd restarted): log in again");
        }

        Result<Caller> caller = session.Token is { } token ? logins.Token(token, address) : logins.Session(session.User, address);
        if (caller.IsOk && session.Token is null && !string.Equals(logins.PasswordStamp(session.User), session.PasswordStamp, StringComparison.Ordinal))
        {
            caller = HospesError.Unauthenticated($"the password of {session.User} changed after this session's login: log in again with the new password");
        }

        if (!caller.IsOk)
        {
            sessions.Close(cookie);
            return caller;
        }

        http.Items[SessionCookie.Item] = session;
        return caller;
    }

    /// <summary>
    /// What a request that logged in with the cookie must also show, since a browser sends the cookie by itself: a
    /// change (any method but GET and HEAD) the session's CSRF token in <see cref="WebSessions.CsrfHeader"/>; any request
    /// with an Origin this host's own (a WebSocket always has one: SameSite does not cover another port of this host).
    /// </summary>
    private static HospesError? CookieRefusal(HttpContext http, WebSession session)
    {
        string own = $"{http.Request.Scheme}://{http.Request.Host}";
        string? origin = http.Request.Headers.Origin;
        bool webSocket = IsWebSocket(http);
        if (webSocket && string.IsNullOrEmpty(origin) || !string.IsNullOrEmpty(origin) && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
        {
            return HospesError.Forbidden($"a request with the session cookie must come from {own} itself, not from Origin {(string.IsNullOrEmpty(origin) ? "(none)" : origin)}: open the web UI at {own}/, or log in with a token (Authorization: Bearer)");
        }

        bool changes = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (changes && !WebSessions.CsrfMatches(session, http.Request.Headers[WebSessions.CsrfHeader]))
        {
            return HospesError.Forbidden($"header {WebSessions.CsrfHeader} is missing or wrong: a request with the session cookie that changes anything sends the session's CSRF token in it (POST or GET {Contracts.Routes.Session} answers it)");
        }

        return null;
    }

    private static bool IsWebSocket(HttpContext http) =>
        IsHttp2WebSocket(http) || http.Request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase));

    /// <summary>A WebSocket over HTTP/2 (RFC 8441), what a browser opens on an h2 connection: it has no Upgrade header.</summary>
    private static bool IsHttp2WebSocket(HttpContext http) =>
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>A route value, else the query's: the route's parameters, the store's ?name=, and ?project=.</summary>
    private static string? Value(HttpContext http, string name) =>
        http.Request.RouteValues.TryGetValue(name, out object? value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture)
            : http.Request.Query.TryGetValue(name, out var query) ? query.ToString() : null;
}
