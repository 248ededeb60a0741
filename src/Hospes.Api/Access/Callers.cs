using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>The request's <see cref="Caller"/>, as the authentication middleware left it.</summary>
internal static class Callers
{
    public const string Item = "hospes.caller";

    // TODO(issue 14, helper w14): the authentication middleware sets the caller on every request; until it lands,
    // a request without one is the local admin, as every request on the unix socket was before.
    public static Caller Of(HttpContext http) =>
        http.Items.TryGetValue(Item, out object? caller) && caller is Caller c ? c : Caller.LocalAdmin("root");

    public static void Set(HttpContext http, Caller caller) => http.Items[Item] = caller;
}
