using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>
/// API tokens: the string is made here and sent once; the row keeps its secret's SHA-256. Revoking deletes the row
/// (and the token's ACL entries), and authentication reads tokens per request, so it counts at once.
/// </summary>
public sealed partial class AccessApi
{
    private const string DefaultTokenName = "default";

    /// <summary>Every token for a caller holding User.Modify on /access, else the caller's own.</summary>
    public IReadOnlyList<TokenInfo> ListTokens(Caller caller)
    {
        IEnumerable<string> users = _gate.Policy.Allows(caller.Principal, Privilege.UserModify, AclPath.Parse("/access").Value)
            ? _db.LoadUsers().Select(u => u.Name)
            : caller.Principal.PrivilegeSeparated ? [] : [caller.User];
        return [.. users.SelectMany(_db.LoadTokens).Select(ToInfo)];
    }

    public Result<IReadOnlyList<TokenInfo>> ListTokens(string user) =>
        _db.FindUser(user) is null ? NoUser(user) : Result.Ok<IReadOnlyList<TokenInfo>>([.. _db.LoadTokens(user).Select(ToInfo)]);

    public Result<TokenCreated> CreateToken(string user, TokenCreateRequest request)
    {
        string name = request.Name ?? DefaultTokenName;
        if ((AccessNames.Token(name) ?? PastExpiry($"token {user}!{name}", request.ExpiresAt)) is { } bad)
        {
            return bad;
        }

        if (_db.FindUser(user) is null)
        {
            return NoUser(user);
        }

        ApiToken token = ApiToken.New();
        var record = new TokenRecord(token.Id, user, name, token.SecretSha256, request.ExpiresAt, request.PrivilegeSeparated, Now);
        if (!_db.TryInsertToken(record))
        {
            return HospesError.Conflict(
                $"user {user} has a token named {name} already; give another --name, or revoke it first (hospes token revoke {user} {name})");
        }

        return new TokenCreated { Token = token.ToString(), Info = ToInfo(record) };
    }

    /// <summary>Deletes the token and its ACL entries; its next request is refused.</summary>
    public Result<TokenInfo> RevokeToken(string user, string name)
    {
        if (_db.LoadTokens(user).FirstOrDefault(t => t.Name == name) is not { } token)
        {
            return NoToken(user, name);
        }

        if (!_db.DeleteToken(user, name))
        {
            return NoToken(user, name);
        }

        _gate.Reload();
        return ToInfo(token);
    }

    private static TokenInfo ToInfo(TokenRecord t) => new()
    {
        User = t.User,
        Name = t.Name,
        Id = t.Id,
        ExpiresAt = t.Expires,
        PrivilegeSeparated = t.PrivilegeSeparated,
        CreatedAt = t.CreatedAt,
    };

    private static HospesError NoToken(string user, string name) =>
        HospesError.NotFound($"user {user} has no token named {name}; hospes token list {user} shows its tokens");
}
