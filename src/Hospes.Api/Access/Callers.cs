using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>The request's <see cref="Caller"/>, as the access middleware (<see cref="AccessMiddleware"/>) left it.</summary>
internal static class Callers
{
    public const string Item = "hospes.caller";

    /// <summary>
    /// The caller; a request without one (a host's /v1/peer request, or a bug that skipped authentication) is nobody's,
    /// never an admin's: asking for its caller fails the request.
    /// </summary>
    public static Caller Of(HttpContext http) =>
        Find(http) ?? throw new InvalidOperationException($"{http.Request.Method} {http.Request.Path} has no authenticated caller; it did not pass the access middleware");

    /// <summary>The caller, or null for a request that has none (a host's, under /v1/peer).</summary>
    public static Caller? Find(HttpContext http) =>
        http.Items.TryGetValue(Item, out object? caller) && caller is Caller c ? c : null;

    public static void Set(HttpContext http, Caller caller) => http.Items[Item] = caller;
}
