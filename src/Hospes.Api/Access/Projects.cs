using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Access;

/// <summary>
/// The request's project (?project=, issue 14): a create puts the object there ("default" when none is named), a list
/// shows only it, and a request that names an object of another project answers 404, as if it were not there.
/// </summary>
internal static class Projects
{
    public const string Default = "default";

    public static string OrDefault(string? project) => project is { Length: > 0 } p ? p : Default;

    /// <summary>The caller's filter of the list this request is for: each item by (project, name).</summary>
    public static Func<string, string, bool> Filter(AccessGate access, HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template }
            ? access.ListFilter(Callers.Of(http), http.Request.Method, template)
            : static (_, _) => false;

    /// <summary>
    /// Middleware: a request naming ?project= gets 404 when there is no such project, or when the object its route
    /// names is in another one ("no VM web in project lab1").
    /// </summary>
    public static Task Check(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Query["project"] is not [{ } project, ..] || http.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } template })
        {
            return next(http);
        }

        AccessGate access = http.RequestServices.GetService(typeof(AccessGate)) as AccessGate
            ?? throw new InvalidOperationException("the AccessGate is not registered");
        RouteValueDictionary route = http.Request.RouteValues;
        IQueryCollection query = http.Request.Query;
        Core.Errors.Result<bool> ok = access.CheckProject(http.Request.Method, template, OrDefault(project),
            name => route.TryGetValue(name, out object? v) && v?.ToString() is { } s ? s : query[name] is [{ } q, ..] ? q : null);
        return ok.IsOk ? next(http) : ApiResults.Error(ok.Error).ExecuteAsync(http);
    }
}
