using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>
/// Users, groups, API tokens, ACL entries, custom roles, the audit log and whoami, as the API shows them. The route
/// table authorizes most of it; what a route cannot decide from its path (an ACL entry's path is in the body, a user's
/// own tokens, what a list shows) is decided here, with the caller. Every write to groups, the ACL or roles takes the
/// gate's policy anew, so it counts from the next request.
/// </summary>
public sealed partial class AccessApi
{
    private readonly StateDb _db;
    private readonly AccessGate _gate;
    private readonly TimeProvider _time;

    internal AccessApi(StateDb db, AccessGate gate, TimeProvider time)
    {
        _db = db;
        _gate = gate;
        _time = time;
    }

    /// <summary>Who the caller is, and with <paramref name="path"/> what it may do there.</summary>
    public Result<WhoamiInfo> Whoami(Caller caller, string? path)
    {
        Principal who = caller.Principal;
        var info = new WhoamiInfo
        {
            User = who.User,
            Display = who.Display,
            Authentication = who.Kind switch
            {
                PrincipalKind.LocalAdmin => "unix-socket",
                PrincipalKind.Token => "token",
                _ => "user",
            },
            Token = who.TokenName,
            PrivilegeSeparated = who.PrivilegeSeparated,
            Groups = who.Kind == PrincipalKind.LocalAdmin ? [] : GroupsOf(who.User),
        };
        if (path is null)
        {
            return info;
        }

        Result<AclPath> parsed = AclPath.Parse(path);
        return parsed.IsOk
            ? info with { Path = parsed.Value.Value, Privileges = [.. _gate.Policy.PrivilegesOf(who, parsed.Value).Members().Select(PrivilegeNames.Name)] }
            : parsed.Error;
    }

    private string[] GroupsOf(string user) => [.. _db.LoadGroups().Where(g => g.Value.Contains(user)).Select(g => g.Key)];

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>An end that is already past is refused: it would make a thing that cannot be used.</summary>
    private HospesError? PastExpiry(string thing, DateTimeOffset? expires) =>
        expires is { } end && end <= Now
            ? HospesError.Invalid($"{thing}: the expiry {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC is in the past; give a later one (--expires 2027-01-31 or --expires 30d) or none")
            : null;
}
