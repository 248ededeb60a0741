using System.Globalization;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>Users, groups, API tokens, ACL entries, roles, whoami and the audit log.</summary>
public sealed class AccessApi
{
    private readonly HospesConnection _c;

    internal AccessApi(HospesConnection connection) => _c = connection;

    public Task<IReadOnlyList<UserInfo>> ListUsersAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<UserInfo>>(HttpMethod.Get, Routes.AccessUsers, null, ct);

    public Task<UserInfo> GetUserAsync(string name, CancellationToken ct) => _c.SendAsync<UserInfo>(HttpMethod.Get, Routes.Path(Routes.AccessUser, name), null, ct);

    public Task<UserInfo> CreateUserAsync(UserCreateRequest request, CancellationToken ct) => _c.SendAsync<UserInfo>(HttpMethod.Post, Routes.AccessUsers, request, ct);

    public Task<UserInfo> UpdateUserAsync(string name, UserUpdateRequest request, CancellationToken ct) =>
        _c.SendAsync<UserInfo>(HttpMethod.Put, Routes.Path(Routes.AccessUser, name), request, ct);

    /// <summary>Deletes the user with its memberships, tokens and ACL entries.</summary>
    public Task<UserInfo> DeleteUserAsync(string name, CancellationToken ct) => _c.SendAsync<UserInfo>(HttpMethod.Delete, Routes.Path(Routes.AccessUser, name), null, ct);

    public Task<IReadOnlyList<GroupInfo>> ListGroupsAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<GroupInfo>>(HttpMethod.Get, Routes.AccessGroups, null, ct);

    public Task<GroupInfo> CreateGroupAsync(string name, CancellationToken ct) =>
        _c.SendAsync<GroupInfo>(HttpMethod.Post, Routes.AccessGroups, new GroupCreateRequest { Name = name }, ct);

    public Task<GroupInfo> DeleteGroupAsync(string name, CancellationToken ct) => _c.SendAsync<GroupInfo>(HttpMethod.Delete, Routes.Path(Routes.AccessGroup, name), null, ct);

    public Task<GroupInfo> AddMemberAsync(string group, string user, CancellationToken ct) =>
        _c.SendAsync<GroupInfo>(HttpMethod.Post, Routes.Path(Routes.AccessGroupMembers, group), new GroupMemberRequest { User = user }, ct);

    public Task<GroupInfo> RemoveMemberAsync(string group, string user, CancellationToken ct) =>
        _c.SendAsync<GroupInfo>(HttpMethod.Delete, Routes.Path(Routes.AccessGroupMember, group, user), null, ct);

    /// <summary>A user's tokens, or (null) every token the caller may see: all with User.Modify on /access, else its own.</summary>
    public Task<IReadOnlyList<TokenInfo>> ListTokensAsync(string? user, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<TokenInfo>>(HttpMethod.Get, user is null ? Routes.AccessTokens : Routes.Path(Routes.AccessUserTokens, user), null, ct);

    /// <summary>A new token; its string is in the answer this once only.</summary>
    public Task<TokenCreated> CreateTokenAsync(string user, TokenCreateRequest request, CancellationToken ct) =>
        _c.SendAsync<TokenCreated>(HttpMethod.Post, Routes.Path(Routes.AccessUserTokens, user), request, ct);

    public Task<TokenInfo> RevokeTokenAsync(string user, string name, CancellationToken ct) =>
        _c.SendAsync<TokenInfo>(HttpMethod.Delete, Routes.Path(Routes.AccessUserToken, user, name), null, ct);

    /// <summary>The entries on <paramref name="path"/> and below (all without one) that the caller may see.</summary>
    public Task<IReadOnlyList<AclEntryInfo>> ListAclAsync(string? path, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<AclEntryInfo>>(HttpMethod.Get, path is null ? Routes.AccessAcl : Routes.Query(Routes.AccessAcl, "path", path), null, ct);

    public Task<AclEntryInfo> SetAclAsync(AclEntryRequest request, CancellationToken ct) => _c.SendAsync<AclEntryInfo>(HttpMethod.Post, Routes.AccessAcl, request, ct);

    public Task<AclEntryInfo> RemoveAclAsync(AclEntryRequest request, CancellationToken ct) => _c.SendAsync<AclEntryInfo>(HttpMethod.Post, Routes.AccessAclRemove, request, ct);

    public Task<IReadOnlyList<RoleInfo>> ListRolesAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<RoleInfo>>(HttpMethod.Get, Routes.AccessRoles, null, ct);

    public Task<RoleInfo> GetRoleAsync(string name, CancellationToken ct) => _c.SendAsync<RoleInfo>(HttpMethod.Get, Routes.Path(Routes.AccessRole, name), null, ct);

    public Task<RoleInfo> CreateRoleAsync(RoleCreateRequest request, CancellationToken ct) => _c.SendAsync<RoleInfo>(HttpMethod.Post, Routes.AccessRoles, request, ct);

    public Task<RoleInfo> DeleteRoleAsync(string name, CancellationToken ct) => _c.SendAsync<RoleInfo>(HttpMethod.Delete, Routes.Path(Routes.AccessRole, name), null, ct);

    /// <summary>Who hospesd takes this connection for; with <paramref name="path"/>, its privileges there.</summary>
    public Task<WhoamiInfo> WhoamiAsync(string? path, CancellationToken ct) =>
        _c.SendAsync<WhoamiInfo>(HttpMethod.Get, path is null ? Routes.AccessWhoami : Routes.Query(Routes.AccessWhoami, "path", path), null, ct);

    /// <summary>The audit log, newest first.</summary>
    public Task<IReadOnlyList<AuditEntryInfo>> AuditAsync(string? user, DateTimeOffset? since, int? limit, CancellationToken ct)
    {
        string path = Routes.Audit;
        if (user is not null)
        {
            path = Routes.Query(path, "user", user);
        }

        if (since is { } from)
        {
            path = Routes.Query(path, "since", from.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }

        if (limit is { } n)
        {
            path = Routes.Query(path, "limit", n.ToString(CultureInfo.InvariantCulture));
        }

        return _c.SendAsync<IReadOnlyList<AuditEntryInfo>>(HttpMethod.Get, path, null, ct);
    }
}
