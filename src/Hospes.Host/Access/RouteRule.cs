namespace Hospes.Host.Access;

/// <summary>How a route is authorized.</summary>
internal enum RouteKind
{
    /// <summary>Every <see cref="RouteRule.Checks"/> must hold, else 403 (or 404 when the caller may not even see the object).</summary>
    Object,

    /// <summary>Any authenticated caller; the answer is filtered per item by <see cref="RouteRule.ItemPrivilege"/> on <see cref="RouteRule.ItemPath"/>.</summary>
    List,

    /// <summary>
    /// Any authenticated caller; the route reads nothing of anyone's (the config checker), or decides itself from what
    /// the request names (an ACL entry's path is in its body: the handler runs the delegation check), as its note says.
    /// </summary>
    AnyUser,

    /// <summary>Host to host: trusted peers' client certificates (or a join token), never a user.</summary>
    PeerOnly,
}

/// <summary>One privilege on one object path template, e.g. VM.PowerMgmt on /projects/{project}/vms/{name}.</summary>
internal sealed record PathCheck(Privilege Privilege, string PathTemplate);

/// <summary>
/// What one route (HTTP method and a template of Hospes.Contracts.Routes, spelt out) needs. Path templates take the
/// route's parameters, {project} (the request's project, "default" when it names none) and the parameters in
/// <see cref="QueryParameters"/> (the store's ?name=).
/// </summary>
internal sealed record RouteRule(string Method, string Template, RouteKind Kind)
{
    public IReadOnlyList<PathCheck> Checks { get; init; } = [];

    public IReadOnlyList<string> QueryParameters { get; init; } = [];

    public Privilege ItemPrivilege { get; init; }

    /// <summary>For a list: each item's path, filled from the item ({name}) and the request ({project}).</summary>
    public string? ItemPath { get; init; }

    /// <summary>
    /// A route parameter naming a user ({name} of /v1/access/users/{name}/tokens): when it is the caller's own user, the
    /// checks are waived (a user manages their own tokens). Not for a privilege-separated token, which could otherwise
    /// make itself a full one.
    /// </summary>
    public string? SelfParameter { get; init; }

    /// <summary>Why it needs what it needs, where that is not obvious.</summary>
    public string? Note { get; init; }
}
