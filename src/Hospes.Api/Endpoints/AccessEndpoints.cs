using System.Globalization;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Users, groups, API tokens, ACL entries, roles, whoami and the audit log (issue 14).</summary>
internal static class AccessEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.AccessUsers, (AccessApi access) => Results.Json(access.ListUsers()));
        app.MapPost(Routes.AccessUsers, async (UserCreateRequest request, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.CreateUserAsync(request, ct), ct), StatusCodes.Status201Created));
        app.MapGet(Routes.AccessUser, (string name, AccessApi access) => ApiResults.From(access.GetUser(name)));
        app.MapPut(Routes.AccessUser, async (string name, UserUpdateRequest request, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.UpdateUserAsync(name, request, ct), ct)));
        app.MapDelete(Routes.AccessUser, async (string name, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.DeleteUser(name), ct)));

        app.MapGet(Routes.AccessTokens, (HttpContext http, AccessApi access) => Results.Json(access.ListTokens(Callers.Of(http))));
        app.MapGet(Routes.AccessUserTokens, (string name, AccessApi access) => ApiResults.From(access.ListTokens(name)));
        app.MapPost(Routes.AccessUserTokens, async (string name, TokenCreateRequest request, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.CreateToken(name, request), ct), StatusCodes.Status201Created));
        app.MapDelete(Routes.AccessUserToken, async (string name, string token, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.RevokeToken(name, token), ct)));

        app.MapGet(Routes.AccessGroups, (AccessApi access) => Results.Json(access.ListGroups()));
        app.MapPost(Routes.AccessGroups, async (GroupCreateRequest request, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.CreateGroup(request), ct), StatusCodes.Status201Created));
        app.MapGet(Routes.AccessGroup, (string name, AccessApi access) => ApiResults.From(access.GetGroup(name)));
        app.MapDelete(Routes.AccessGroup, async (string name, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.DeleteGroup(name), ct)));
        app.MapPost(Routes.AccessGroupMembers, async (string name, GroupMemberRequest request, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.AddMember(name, request), ct)));
        app.MapDelete(Routes.AccessGroupMember, async (string name, string user, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.RemoveMember(name, user), ct)));

        app.MapGet(Routes.AccessAcl, (string? path, HttpContext http, AccessApi access) => ApiResults.From(access.ListAcl(Callers.Of(http), path)));
        app.MapPost(Routes.AccessAcl, async (AclEntryRequest request, HttpContext http, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.SetAcl(Callers.Of(http), request), ct)));
        app.MapPost(Routes.AccessAclRemove, async (AclEntryRequest request, HttpContext http, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.RemoveAcl(Callers.Of(http), request), ct)));

        app.MapGet(Routes.AccessRoles, (AccessApi access) => Results.Json(access.ListRoles()));
        app.MapPost(Routes.AccessRoles, async (RoleCreateRequest request, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.CreateRole(request), ct), StatusCodes.Status201Created));
        app.MapGet(Routes.AccessRole, (string name, AccessApi access) => ApiResults.From(access.GetRole(name)));
        app.MapDelete(Routes.AccessRole, async (string name, AccessApi access, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => access.DeleteRole(name), ct)));

        app.MapGet(Routes.AccessWhoami, (string? path, HttpContext http, AccessApi access) => ApiResults.From(access.Whoami(Callers.Of(http), path)));
        app.MapGet(Routes.Audit, ReadAudit);
    }

    /// <summary>?user=, ?since= (ISO 8601), ?limit= (default 100): read here, so a bad one is named rather than a bare 400.</summary>
    private static IResult ReadAudit(string? user, string? since, string? limit, AccessApi access)
    {
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
            {
                return ApiResults.Error(HospesError.Invalid($"since '{since}' is not a time; give ISO 8601, e.g. 2026-12-06T10:00:00Z (hospes audit --since 1h does it for you)"));
            }

            from = parsed;
        }

        int count = 100;
        if (limit is not null && !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            return ApiResults.Error(HospesError.Invalid($"limit '{limit}' is not a number; give one from 1 to {AccessApi.MaxAuditLimit}"));
        }

        return ApiResults.From(access.Audit(user, from, count));
    }
}
