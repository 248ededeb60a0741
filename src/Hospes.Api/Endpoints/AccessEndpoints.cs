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
        app.MapPost(Routes.AccessUsers, async (UserCreateRequest request, AccessApi access, CancellationToken ct) =>
            ApiResults.From(await access.CreateUserAsync(request, ct), StatusCodes.Status201Created));
        app.MapGet(Routes.AccessUser, (string name, AccessApi access) => ApiResults.From(access.GetUser(name)));
        app.MapPut(Routes.AccessUser, async (string name, UserUpdateRequest request, AccessApi access, CancellationToken ct) =>
            ApiResults.From(await access.UpdateUserAsync(name, request, ct)));
        app.MapDelete(Routes.AccessUser, (string name, AccessApi access) => ApiResults.From(access.DeleteUser(name)));

        app.MapGet(Routes.AccessTokens, (HttpContext http, AccessApi access) => Results.Json(access.ListTokens(Callers.Of(http))));
        app.MapGet(Routes.AccessUserTokens, (string name, AccessApi access) => ApiResults.From(access.ListTokens(name)));
        app.MapPost(Routes.AccessUserTokens, (string name, TokenCreateRequest request, AccessApi access) =>
            ApiResults.From(access.CreateToken(name, request), StatusCodes.Status201Created));
        app.MapDelete(Routes.AccessUserToken, (string name, string token, AccessApi access) => ApiResults.From(access.RevokeToken(name, token)));

        app.MapGet(Routes.AccessGroups, (AccessApi access) => Results.Json(access.ListGroups()));
        app.MapPost(Routes.AccessGroups, (GroupCreateRequest request, AccessApi access) =>
            ApiResults.From(access.CreateGroup(request), StatusCodes.Status201Created));
        app.MapGet(Routes.AccessGroup, (string name, AccessApi access) => ApiResults.From(access.GetGroup(name)));
        app.MapDelete(Routes.AccessGroup, (string name, AccessApi access) => ApiResults.From(access.DeleteGroup(name)));
        app.MapPost(Routes.AccessGroupMembers, (string name, GroupMemberRequest request, AccessApi access) => ApiResults.From(access.AddMember(name, request)));
        app.MapDelete(Routes.AccessGroupMember, (string name, string user, AccessApi access) => ApiResults.From(access.RemoveMember(name, user)));

        app.MapGet(Routes.AccessAcl, (string? path, HttpContext http, AccessApi access) => ApiResults.From(access.ListAcl(Callers.Of(http), path)));
        app.MapPost(Routes.AccessAcl, (AclEntryRequest request, HttpContext http, AccessApi access) => ApiResults.From(access.SetAcl(Callers.Of(http), request)));
        app.MapPost(Routes.AccessAclRemove, (AclEntryRequest request, HttpContext http, AccessApi access) => ApiResults.From(access.RemoveAcl(Callers.Of(http), request)));

        app.MapGet(Routes.AccessRoles, (AccessApi access) => Results.Json(access.ListRoles()));
        app.MapPost(Routes.AccessRoles, (RoleCreateRequest request, AccessApi access) =>
            ApiResults.From(access.CreateRole(request), StatusCodes.Status201Created));
        app.MapGet(Routes.AccessRole, (string name, AccessApi access) => ApiResults.From(access.GetRole(name)));
        app.MapDelete(Routes.AccessRole, (string name, AccessApi access) => ApiResults.From(access.DeleteRole(name)));

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
