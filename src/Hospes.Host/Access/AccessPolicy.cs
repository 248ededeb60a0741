using System.Collections.Frozen;

namespace Hospes.Host.Access;

/// <summary>
/// The ACL evaluated with Proxmox's rules, over an immutable snapshot (made anew when an ACL, role or group changes):
/// walking from "/" down to the object's path, the deepest path with an entry that applies decides (an entry applies
/// on its own path, and below it when it propagates); on one path a user's (or token's) own entries replace its groups';
/// NoAccess among the deciding roles leaves nothing. A token never exceeds its user: a full token has its user's
/// privileges, a privilege-separated one only its own entries' intersected with its user's. LocalAdmin is Admin.
/// </summary>
internal sealed class AccessPolicy
{
    private readonly FrozenDictionary<string, AclEntry[]> _entriesByPath;
    private readonly FrozenDictionary<string, Role> _roles;
    private readonly FrozenDictionary<string, FrozenSet<string>> _groupsOfUser;

    /// <param name="customRoles">The custom roles; built-in ones are always there.</param>
    /// <param name="entries">Every ACL entry.</param>
    /// <param name="members">Each group's members.</param>
    public AccessPolicy(IEnumerable<Role> customRoles, IEnumerable<AclEntry> entries, IReadOnlyDictionary<string, IReadOnlyCollection<string>> members)
    {
        _roles = BuiltInRoles.All.Concat(customRoles).ToFrozenDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _entriesByPath = entries.GroupBy(e => e.Path.Value).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _groupsOfUser = members
            .SelectMany(g => g.Value.Select(user => (user, group: g.Key)))
            .GroupBy(m => m.user)
            .ToFrozenDictionary(g => g.Key, g => g.Select(m => m.group).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    public static AccessPolicy Empty { get; } = new([], [], new Dictionary<string, IReadOnlyCollection<string>>());

    /// <summary>The role of that name (built-in or custom), or null.</summary>
    public Role? FindRole(string name) => _roles.GetValueOrDefault(name);

    public bool Allows(Principal who, Privilege privilege, AclPath path) => PrivilegesOf(who, path).Contains(privilege);

    /// <summary>Everything <paramref name="who"/> may do on <paramref name="path"/>.</summary>
    public PrivilegeSet PrivilegesOf(Principal who, AclPath path) => who.Kind switch
    {
        PrincipalKind.LocalAdmin => PrivilegeSet.All,
        PrincipalKind.User => OfUser(who.User, path),
        _ => who.PrivilegeSeparated
            ? OfUser(who.User, path).Intersect(Decide(path, AclSubject.Token(who.User, who.TokenName!), groups: null))
            : OfUser(who.User, path),
    };

    /// <summary>What the entries for a subject (for a group: its members) give there; the delegation check compares it.</summary>
    public PrivilegeSet PrivilegesOf(AclSubject subject, AclPath path) => subject.Kind switch
    {
        SubjectKind.User => OfUser(subject.Name, path),
        SubjectKind.Token => Decide(path, subject, groups: null),
        _ => _groupsOfUser.Where(u => u.Value.Contains(subject.Name)).Aggregate(
            Decide(path, subject, groups: null), (all, member) => all.Union(OfUser(member.Key, path))),
    };

    /// <summary>
    /// The filter a list applies: whether <paramref name="who"/> may see each object, by <paramref name="privilege"/> on
    /// its path. Made once per request; each object costs one walk of its path.
    /// </summary>
    public Func<AclPath, bool> Filter(Principal who, Privilege privilege) =>
        who.Kind == PrincipalKind.LocalAdmin ? _ => true : path => Allows(who, privilege, path);

    private PrivilegeSet OfUser(string user, AclPath path) =>
        Decide(path, AclSubject.User(user), _groupsOfUser.GetValueOrDefault(user) ?? FrozenSet<string>.Empty);

    /// <summary>The walk: the deepest applying entries win; the subject's own beat its groups' on the same path.</summary>
    private PrivilegeSet Decide(AclPath path, AclSubject own, FrozenSet<string>? groups)
    {
        List<AclEntry>? deciding = null;
        foreach (AclPath level in path.FromRoot())
        {
            if (!_entriesByPath.TryGetValue(level.Value, out AclEntry[]? entries))
            {
                continue;
            }

            bool final = level.Segments.Count == path.Segments.Count;
            List<AclEntry> mine = [.. entries.Where(e => (final || e.Propagate) && e.Subject == own)];
            if (mine.Count == 0 && groups is { Count: > 0 })
            {
                mine = [.. entries.Where(e => (final || e.Propagate) && e.Subject.Kind == SubjectKind.Group && groups.Contains(e.Subject.Name))];
            }

            if (mine.Count > 0)
            {
                deciding = mine;
            }
        }

        if (deciding is null)
        {
            return PrivilegeSet.None;
        }

        Role?[] roles = [.. deciding.Select(e => FindRole(e.Role))];
        return roles.Any(r => r?.IsNoAccess == true)
            ? PrivilegeSet.None
            : roles.Aggregate(PrivilegeSet.None, (all, r) => r is null ? all : all.Union(r.Privileges));
    }
}
