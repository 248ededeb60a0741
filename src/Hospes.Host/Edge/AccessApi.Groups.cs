using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>Groups and their members; a membership change is a change of what its members may do, so the policy is taken anew.</summary>
public sealed partial class AccessApi
{
    public IReadOnlyList<GroupInfo> ListGroups() => [.. _db.LoadGroups().Select(g => ToInfo(g.Key, g.Value))];

    public Result<GroupInfo> GetGroup(string name) =>
        _db.LoadGroups().TryGetValue(name, out IReadOnlyCollection<string>? members) ? ToInfo(name, members) : NoGroup(name);

    public Result<GroupInfo> CreateGroup(GroupCreateRequest request)
    {
        if (AccessNames.Group(request.Name) is { } bad)
        {
            return bad;
        }

        if (!_db.TryInsertGroup(request.Name, Now))
        {
            return HospesError.Conflict($"group {request.Name} exists already; choose another name, or add members with hospes group add {request.Name} USER");
        }

        _gate.Reload();
        return ToInfo(request.Name, []);
    }

    /// <summary>The group, its memberships and its ACL entries: one transaction.</summary>
    public Result<GroupInfo> DeleteGroup(string name)
    {
        if (!_db.LoadGroups().TryGetValue(name, out IReadOnlyCollection<string>? members))
        {
            return NoGroup(name);
        }

        if (!_db.DeleteGroup(name))
        {
            return NoGroup(name);
        }

        _gate.Reload();
        return ToInfo(name, members);
    }

    public Result<GroupInfo> AddMember(string group, GroupMemberRequest request)
    {
        if (request.User is null)
        {
            return HospesError.Invalid($"group {group}: the request names no user; give one (hospes group add {group} USER)");
        }

        if (!_db.LoadGroups().ContainsKey(group))
        {
            return NoGroup(group);
        }

        if (_db.FindUser(request.User) is null)
        {
            return NoUser(request.User);
        }

        if (!_db.AddGroupMember(group, request.User))
        {
            return HospesError.Conflict($"user {request.User} is in group {group} already; hospes group list shows the members");
        }

        _gate.Reload();
        return GetGroup(group);
    }

    public Result<GroupInfo> RemoveMember(string group, string user)
    {
        if (!_db.LoadGroups().ContainsKey(group))
        {
            return NoGroup(group);
        }

        if (!_db.RemoveGroupMember(group, user))
        {
            return HospesError.NotFound($"user {user} is not in group {group}; hospes group list shows the members");
        }

        _gate.Reload();
        return GetGroup(group);
    }

    private static GroupInfo ToInfo(string name, IEnumerable<string> members) => new() { Name = name, Members = [.. members] };

    private static HospesError NoGroup(string name) =>
        HospesError.NotFound($"group {name} does not exist; hospes group list shows the groups, hospes group create {name} makes it");
}
