using System.Globalization;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Hospes.Api.Endpoints;

/// <summary>
/// The web UI's login (issue 15): `POST /v1/session` checks a user's password and answers the session cookie and its CSRF
/// token; `GET` shows the caller's session (or who the caller is without one); `DELETE` logs out. The login runs before
/// anyone is logged in (AccessMiddleware lets it through), so it keeps the rate limit and writes the audit row itself.
/// </summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.Session, LogInAsync);
        app.MapGet(Routes.Session, (HttpContext http) => Results.Json(Info(Callers.Of(http), SessionCookie.SessionOf(http))));
        app.MapDelete(Routes.Session, (HttpContext http, WebSessions sessions) =>
        {
            Caller caller = Callers.Of(http);
            if (SessionCookie.Of(http) is not { } id || !sessions.Close(id))
            {
                return ApiResults.Error(HospesError.NotFound($"{caller.Display} has no session to end: this request carries no {WebSessions.Cookie} cookie (logging out is for the web UI's login)"));
            }

            SessionCookie.Clear(http);
            return Results.Json(Info(caller, null));
        });
    }

    private static async Task LogInAsync(SessionRequest? body, HttpContext http, HttpLogin login, FailedLogins failures, WebSessions sessions, AuditLog audit, Logins logins)
    {
        var request = new AuditedRequest(http, audit);
        string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        string source = FailedLogins.SourceOf(http.Connection.RemoteIpAddress);
        string user = body?.User is { Length: > 0 } u ? u : "anonymous";
        if (failures.Refused(source) is var (until, wait, first))
        {
            int seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
            http.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
            string message = string.Create(CultureInfo.InvariantCulture, $"too many failed logins from {source}: more than {failures.Limit} within {failures.Window.TotalSeconds:0} s; ")
                + string.Create(CultureInfo.InvariantCulture, $"try again after {until.UtcDateTime:HH:mm:ss} UTC (in {seconds} s) with the right credentials");
            await request.RefuseAsync(user, address, new HospesError(ErrorCode.TooManyRequests, message), record: first);
            return;
        }

        if (body?.Token is { Length: > 0 } presented)
        {
            await TokenLogInAsync(presented, http, request, address, source, failures, sessions, logins);
            return;
        }

        if (body?.User is not { Length: > 0 } name || body.Password is not { Length: > 0 } password)
        {
            await request.RefuseAsync(user, address, HospesError.Unauthenticated("send the user's name and password as JSON: {\"user\": \"NAME\", \"password\": \"...\"}, or an API token: {\"token\": \"hospes_...\"}"), record: true);
            return;
        }

        Result<Caller> caller = await login.PasswordAsync(name, password, address, http.RequestAborted);
        if (!caller.IsOk)
        {
            failures.Fail(source);
            await request.RefuseAsync(name, address, caller.Error, record: true);
            return;
        }

        (string id, WebSession session) = sessions.Open(caller.Value.User, logins.PasswordStamp(caller.Value.User));
        SessionCookie.Set(http, id, session);
        http.Response.Headers.CacheControl = "no-store";
        request.Record(caller.Value.Display, address, "201 session opened");
        await Results.Json(Info(caller.Value, session), statusCode: StatusCodes.Status201Created).ExecuteAsync(http);
    }

    /// <summary>A login with an API token: the session is the token's (its privileges, its revocation and expiry).</summary>
    private static async Task TokenLogInAsync(string presented, HttpContext http, AuditedRequest request, string address, string source, FailedLogins failures, WebSessions sessions, Logins logins)
    {
        Result<Caller> caller = logins.Token(presented, address);
        if (!caller.IsOk)
        {
            failures.Fail(source);
            await request.RefuseAsync("token", address, caller.Error, record: true);
            return;
        }

        (string id, WebSession session) = sessions.Open(caller.Value.User, token: presented);
        SessionCookie.Set(http, id, session);
        http.Response.Headers.CacheControl = "no-store";
        request.Record(caller.Value.Display, address, "201 session opened with a token");
        await Results.Json(Info(caller.Value, session), statusCode: StatusCodes.Status201Created).ExecuteAsync(http);
    }

    private static SessionInfo Info(Caller caller, WebSession? session) => new()
    {
        User = caller.User,
        Display = caller.Display,
        Csrf = session?.Csrf,
        ExpiresAt = session?.Expires,
    };
}
