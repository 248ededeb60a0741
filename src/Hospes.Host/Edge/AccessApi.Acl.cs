using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>
/// ACL entries. The route cannot know the entry's path (it is in the body), so here: the path and subject are read,
/// the subject must exist, and <see cref="Delegation"/> decides (Permissions.Modify on the path, nobody grants more
/// than they hold, nobody locks out someone holding more).
/// </summary>
public sealed partial class AccessApi
{
    /// <summary>The entries on <paramref name="path"/> and below (all without one) whose path the caller may see: Sys.Audit or Permissions.Modify there.</summary>
    public Result<IReadOnlyList<AclEntryInfo>> ListAcl(Caller caller, string? path)
    {
        AclPath? under = null;
        if (path is not null)
        {
            Result<AclPath> parsed = AclPath.Parse(path);
            if (!parsed.IsOk)
            {
                return parsed.Error;
            }

            under = parsed.Value;
        }

        AccessPolicy policy = _gate.Policy;
        return Result.Ok<IReadOnlyList<AclEntryInfo>>([.. _db.LoadAcl()
            .Where(e => under is null || IsAtOrBelow(e.Path, under))
            .Where(e => policy.PrivilegesOf(caller.Principal, e.Path) is var held && (held.Contains(Privilege.SysAudit) || held.Contains(Privilege.PermissionsModify)))
            .Select(ToInfo)]);
    }

    public Result<AclEntryInfo> SetAcl(Caller caller, AclEntryRequest request)
    {
        Result<AclEntry> entry = ReadEntry(request);
        if (!entry.IsOk)
        {
            return entry.Error;
        }

        if ((SubjectMissing(entry.Value.Subject) ?? Delegation.Check(_gate.Policy, caller.Principal, entry.Value)) is { } refused)
        {
            return refused;
        }

        _db.SetAcl(entry.Value);
        _gate.Reload();
        return ToInfo(entry.Value);
    }

    public Result<AclEntryInfo> RemoveAcl(Caller caller, AclEntryRequest request)
    {
        Result<AclEntry> entry = ReadEntry(request);
        if (!entry.IsOk)
        {
            return entry.Error;
        }

        // As for a grant; an entry of a role that no longer exists grants nothing, so removing it needs only what
        // removing a NoAccess entry needs (Permissions.Modify there), and a removal of none is answered "no entry".
        AclEntry asChecked = _gate.Policy.FindRole(entry.Value.Role) is null ? entry.Value with { Role = BuiltInRoles.NoAccessName } : entry.Value;
        if (Delegation.Check(_gate.Policy, caller.Principal, asChecked) is { } refused)
        {
            return refused;
        }

        if (!_db.RemoveAcl(entry.Value))
        {
            return HospesError.NotFound(
                $"there is no entry giving {entry.Value.Subject} role {entry.Value.Role} on {entry.Value.Path}; hospes acl list {entry.Value.Path} shows the entries there");
        }

        _gate.Reload();
        return ToInfo(entry.Value);
    }

    /// <summary>The entry a request names: a valid path, exactly one subject of a valid name, a role; the role's canonical name when it exists.</summary>
    private Result<AclEntry> ReadEntry(AclEntryRequest request)
    {
        if (request.Path is null || request.Role is null)
        {
            return HospesError.Invalid($"an ACL entry needs {(request.Path is null ? "path" : "role")}; for example hospes acl set /projects/lab1 --group team3 --role Operator");
        }

        Result<AclPath> path = AclPath.Parse(request.Path);
        if (!path.IsOk)
        {
            return path.Error;
        }

        (SubjectKind Kind, string Name)[] subjects =
        [
            .. new[] { (SubjectKind.User, request.User), (SubjectKind.Group, request.Group), (SubjectKind.Token, request.Token) }
                .Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!)),
        ];
        if (subjects.Length != 1)
        {
            return HospesError.Invalid(
                $"ACL entry on {request.Path}: name exactly one of user, group and token (given {subjects.Length}); for example --user alice, --group team3 or --token alice!ci");
        }

        Result<AclSubject> subject = AclSubject.Create(subjects[0].Kind, subjects[0].Name);
        if (!subject.IsOk)
        {
            return subject.Error;
        }

        string role = _gate.Policy.FindRole(request.Role)?.Name ?? request.Role;
        return new AclEntry(path.Value, subject.Value, role, request.Propagate);
    }

    private HospesError? SubjectMissing(AclSubject subject)
    {
        switch (subject.Kind)
        {
            case SubjectKind.User:
                return _db.FindUser(subject.Name) is null ? NoUser(subject.Name) : null;
            case SubjectKind.Group:
                return _db.LoadGroups().ContainsKey(subject.Name) ? null : NoGroup(subject.Name);
            default:
                string[] parts = subject.Name.Split('!');
                return _db.LoadTokens(parts[0]).Any(t => t.Name == parts[1]) ? null : NoToken(parts[0], parts[1]);
        }
    }

    private static bool IsAtOrBelow(AclPath path, AclPath under) =>
        path.Segments.Count >= under.Segments.Count && path.Segments.Take(under.Segments.Count).SequenceEqual(under.Segments, StringComparer.Ordinal);

    private static AclEntryInfo ToInfo(AclEntry e) => new()
    {
        Path = e.Path.Value,
        SubjectKind = e.Subject.Kind.ToString().ToLowerInvariant(),
        Subject = e.Subject.Name,
        Role = e.Role,
        Propagate = e.Propagate,
    };
}
