using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>
/// Decides a request by its route's rule: every check of an object route must hold on its filled path. Lists and the
/// config checker let any authenticated caller in (a list then filters with <see cref="AccessPolicy.Filter"/>); peer
/// routes are never a user's; a route without a rule is refused, so a new endpoint is closed until it has one.
/// </summary>
internal static class RouteAuthorizer
{
    /// <param name="values">The route's and query's parameters, and "project".</param>
    public static AccessDecision Check(AccessPolicy policy, Principal who, string method, string template, Func<string, string?> values) =>
        Check(policy, who, method, template, _ => values);

    /// <param name="valuesOf">Each check's parameters: "project" may differ between checks (a clone's template and its new VMs).</param>
    public static AccessDecision Check(AccessPolicy policy, Principal who, string method, string template, Func<PathCheck, Func<string, string?>> valuesOf)
    {
        RouteRule? rule = RouteRules.Find(method, template);
        if (rule is null)
        {
            return who.Kind == PrincipalKind.LocalAdmin
                ? AccessDecision.Allow
                : AccessDecision.Refuse($"{method} {template} has no access rule, so only an admin on the unix socket may use it; this is a bug in Hospes, please report it");
        }

        switch (rule.Kind)
        {
            case RouteKind.PeerOnly:
                return AccessDecision.Refuse($"{template} is for other Hospes hosts (a trusted client certificate), not for users");
            case RouteKind.List or RouteKind.AnyUser:
                return AccessDecision.Allow;
        }

        // The self parameter is a route value (a user's name), the same for every check.
        if (IsSelf(rule, who, valuesOf(rule.Checks.Count > 0 ? rule.Checks[0] : new PathCheck(default, "/"))))
        {
            return AccessDecision.Allow;
        }

        foreach (PathCheck check in rule.Checks)
        {
            Result<AclPath> path = ObjectPaths.Fill(check.PathTemplate, valuesOf(check));
            if (!path.IsOk)
            {
                return AccessDecision.Refuse(path.Error.Message);
            }

            if (!policy.Allows(who, check.Privilege, path.Value))
            {
                return AccessDecision.Refuse(Refusal(who, method, template, check.Privilege, path.Value));
            }
        }

        return AccessDecision.Allow;
    }

    /// <summary>The route names the caller's own user where its rule lets a user act on their own (their tokens).</summary>
    private static bool IsSelf(RouteRule rule, Principal who, Func<string, string?> values) =>
        rule.SelfParameter is { } parameter
        && who.Kind is PrincipalKind.User or PrincipalKind.Token
        && !who.PrivilegeSeparated
        && string.Equals(values(parameter), who.User, StringComparison.Ordinal);

    private static string Refusal(Principal who, string method, string template, Privilege privilege, AclPath path)
    {
        string role = BuiltInRoles.All.Where(r => r.Privileges.Contains(privilege)).MinBy(r => System.Numerics.BitOperations.PopCount(r.Privileges.Bits))!.Name;
        string subject = who.Kind == PrincipalKind.Token ? $"--token {who.Display}" : $"--user {who.User}";
        return $"{who.Display} may not {method} {template}: it needs {PrivilegeNames.Name(privilege)} on {path}; "
            + $"ask someone who may grant it (hospes acl set {path} {subject} --role {role})";
    }
}
