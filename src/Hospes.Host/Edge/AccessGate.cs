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
    private const string EventsRoute = "/v1/events";
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

    /// <summary>Whether <paramref name="caller"/> may see the host's own figures (Sys.Audit on /), e.g. the host lines of `hospes top`.</summary>
    public bool MaySeeHost(Caller caller) =>
        caller.IsLocalAdmin || _policy.Filter(caller.Principal, Privilege.SysAudit)(AclPath.Root);

    /// <summary>
    /// For a request that names a project (?project=P): 404 when there is no such project, or when the route names an
    /// object (its first check's /projects/{project}/COLLECTION/{param}) that is in another project — "no VM web in project
    /// lab1", as if it were not there. Null: go on.
    /// </summary>
    public Result<bool> CheckProject(string method, string template, string project, Func<string, string?> values)
    {
        if (!_db.LoadProjects().Any(p => p.Name == project))
        {
            return HospesError.NotFound($"no project {project}; create it with hospes project create {project}");
        }

        if (RouteRules.Find(method, template) is { } rule)
        {
            foreach (PathCheck check in rule.Checks)
            {
                string[] parts = check.PathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts is ["projects", "{project}", var collection, var parameter] && parameter.StartsWith('{')
                    && values(parameter[1..^1]) is { } name && _projects.ProjectOf(collection, name) is { } owner && owner != project)
                {
                    return HospesError.NotFound($"no {Singular(collection)} {name} in project {project}");
                }
            }
        }

        return true;
    }

    private static string Singular(string collection) => collection switch
    {
        "vms" => "VM",
        "disks" => "disk",
        "templates" => "template",
        "networks" => "network",
        _ => collection,
    };

    /// <summary>
    /// Whether <paramref name="caller"/> may see an event about an object: a VM (<paramref name="collection"/> "vms") needs
    /// the events route's item privilege (VM.Audit) on /projects/P/vms/NAME, a template or disk Datastore.Audit, a network
    /// Network.Audit, and the host itself (no collection) Sys.Audit on /. The policy is the one in force now, so a grant
    /// or a revocation applies to a stream already open. <paramref name="project"/>: the object's project when the event
    /// knows it; else whoever owns an object of that name now, else "default".
    /// </summary>
    public bool CanSee(Caller caller, string? collection, string? name, string? project = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsLocalAdmin)
        {
            return true;
        }

        AccessPolicy policy = _policy;
        if (collection is null || name is null)
        {
            return policy.Allows(caller.Principal, Privilege.SysAudit, AclPath.Root);
        }

        Privilege privilege = collection switch
        {
            "vms" => RouteRules.Find("GET", EventsRoute)?.ItemPrivilege ?? Privilege.VmAudit,
            "networks" => Privilege.NetworkAudit,
            _ => Privilege.DatastoreAudit,
        };
        string owner = project ?? _projects.ProjectOf(collection, name) ?? DefaultProject;
        Result<AclPath> path = collection == "images"
            ? ObjectPaths.Fill("/images/{name}", _ => name)
            : ObjectPaths.Fill($"/projects/{{project}}/{collection}/{{name}}", p => p == "project" ? owner : name);
        return path.IsOk && policy.Allows(caller.Principal, privilege, path.Value);
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
