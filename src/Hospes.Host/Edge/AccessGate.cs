using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>
/// The API's one door: every request's authorization by the route table, and the filter of every list. The policy is
/// an immutable snapshot, taken again after each change of an ACL entry, role or group (<see cref="Reload"/>), so a
/// request reads no table to be authorized.
/// </summary>
public sealed class AccessGate
{
    private const string DefaultProject = "default";
    private readonly StateDb _db;
    private readonly IObjectProjects _projects;
    private volatile AccessPolicy _policy;

    internal AccessGate(StateDb db, IObjectProjects projects)
    {
        _db = db;
        _projects = projects;
        _policy = db.LoadAccessPolicy();
    }

    internal AccessPolicy Policy => _policy;

    /// <summary>Takes the policy anew from the state DB; call after every write to the ACL, roles or groups.</summary>
    public void Reload() => _policy = _db.LoadAccessPolicy();

    /// <summary>
    /// Whether <paramref name="caller"/> may call the route (<paramref name="method"/> and its template, ASP.NET Core's
    /// RoutePattern.RawText); refused: 403 with what it needs where and who can grant it.
    /// </summary>
    /// <param name="values">The route's values and the query's parameters; "project" is the project the request names.</param>
    public Result<bool> Authorize(Caller caller, string method, string template, Func<string, string?> values)
    {
        AccessDecision decision = RouteAuthorizer.Check(_policy, caller.Principal, method, template, ValuesOf(method, template, values));
        return decision.Allowed ? true : HospesError.Forbidden(decision.Refusal!);
    }

    /// <summary>
    /// For a list route: whether the caller may see an item of that project and name (the rule's item privilege on its
    /// item path). Everything for a local admin; nothing for a route that is not a list.
    /// </summary>
    public Func<string, string, bool> ListFilter(Caller caller, string method, string template)
    {
        if (caller.IsLocalAdmin)
        {
            return static (_, _) => true;
        }

        if (RouteRules.Find(method, template) is not { Kind: RouteKind.List, ItemPath: { } itemPath } rule)
        {
            return static (_, _) => false;
        }

        Func<AclPath, bool> visible = _policy.Filter(caller.Principal, rule.ItemPrivilege);
        return (project, name) =>
            ObjectPaths.Fill(itemPath, p => p == "project" ? project : name) is { IsOk: true } path && visible(path.Value);
    }

    /// <summary>
    /// Each check's values with its "project": a check on a named object ("/projects/{project}/vms/{name}") is decided
    /// on that object's own project; a check on a collection ("/projects/{project}/vms": what a create makes) on the
    /// project the request names, else the project of the object the route names (a clone goes to its template's
    /// project, a port forward takes its VM's network), else "default".
    /// </summary>
    private Func<PathCheck, Func<string, string?>> ValuesOf(string method, string template, Func<string, string?> values)
    {
        RouteRule? rule = RouteRules.Find(method, template);
        string? routeObject = rule?.Checks.Select(c => OwnerOf(c, values)).FirstOrDefault(p => p is not null);
        string requested = values("project") is { Length: > 0 } named ? named : routeObject ?? DefaultProject;
        return check => OwnerOf(check, values) is { } owner ? With(values, owner) : With(values, requested);
    }

    /// <summary>The project of the object a check names, or null (a collection, no object, or no such object).</summary>
    private string? OwnerOf(PathCheck check, Func<string, string?> values) =>
        check.PathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["projects", "{project}", var collection, var parameter]
            && parameter.StartsWith('{') && values(parameter[1..^1]) is { Length: > 0 } name
            ? _projects.ProjectOf(collection, name)
            : null;

    private static Func<string, string?> With(Func<string, string?> values, string project) => p => p == "project" ? project : values(p);
}
