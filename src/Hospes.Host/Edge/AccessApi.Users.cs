using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>Users: made, changed, listed, deleted with all that is theirs. Passwords are hashed off the request's thread.</summary>
public sealed partial class AccessApi
{
    private const int MinPasswordLength = 8;
    private const int MaxPasswordLength = 1024;

    public IReadOnlyList<UserInfo> ListUsers()
    {
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> groups = _db.LoadGroups();
        return [.. _db.LoadUsers().Select(u => ToInfo(u, groups))];
    }

    public Result<UserInfo> GetUser(string name) =>
        _db.FindUser(name) is { } user ? ToInfo(user, _db.LoadGroups()) : NoUser(name);

    public async Task<Result<UserInfo>> CreateUserAsync(UserCreateRequest request, CancellationToken ct)
    {
        if (AccessNames.User(request.Name) is { } badName)
        {
            return badName;
        }

        if ((PasswordProblem(request.Name, request.Password) ?? PastExpiry($"user {request.Name}", request.ExpiresAt)) is { } bad)
        {
            return bad;
        }

        if (_db.FindUser(request.Name) is not null)
        {
            return Taken(request.Name);
        }

        string? hash = request.Password is null ? null : await HashAsync(request.Password, ct).ConfigureAwait(false);
        var user = new UserRecord(request.Name, hash, request.ExpiresAt, Enabled: true, Now);
        return _db.TryInsertUser(user) ? ToInfo(user, _db.LoadGroups()) : Taken(request.Name);
    }

    public async Task<Result<UserInfo>> UpdateUserAsync(string name, UserUpdateRequest request, CancellationToken ct)
    {
        if (request.Enabled is null && request.ExpiresAt is null && !request.NeverExpires && request.Password is null)
        {
            return HospesError.Invalid($"user {name}: nothing to change; give --enable, --disable, --expires DATE|never or --password-stdin");
        }

        if (request.NeverExpires && request.ExpiresAt is not null)
        {
            return HospesError.Invalid($"user {name}: expiresAt and neverExpires exclude each other; give one");
        }

        if ((PasswordProblem(name, request.Password) ?? PastExpiry($"user {name}", request.ExpiresAt)) is { } bad)
        {
            return bad;
        }

        if (_db.FindUser(name) is not { } user)
        {
            return NoUser(name);
        }

        string? hash = request.Password is null ? user.PasswordHash : await HashAsync(request.Password, ct).ConfigureAwait(false);
        UserRecord changed = user with
        {
            PasswordHash = hash,
            Enabled = request.Enabled ?? user.Enabled,
            Expires = request.NeverExpires ? null : request.ExpiresAt ?? user.Expires,
        };
        return _db.UpdateUser(changed) ? ToInfo(changed, _db.LoadGroups()) : NoUser(name);
    }

    /// <summary>The user, its memberships, tokens and ACL entries (its own and its tokens'): one transaction.</summary>
    public Result<UserInfo> DeleteUser(string name)
    {
        if (_db.FindUser(name) is not { } user)
        {
            return NoUser(name);
        }

        UserInfo info = ToInfo(user, _db.LoadGroups());
        if (!_db.DeleteUser(name))
        {
            return NoUser(name);
        }

        _gate.Reload();
        return info;
    }

    private UserInfo ToInfo(UserRecord user, IReadOnlyDictionary<string, IReadOnlyCollection<string>> groups) => new()
    {
        Name = user.Name,
        Enabled = user.Enabled,
        ExpiresAt = user.Expires,
        HasPassword = user.PasswordHash is not null,
        Groups = [.. groups.Where(g => g.Value.Contains(user.Name)).Select(g => g.Key)],
        Tokens = _db.LoadTokens(user.Name).Count,
        CreatedAt = user.CreatedAt,
    };

    /// <summary>PBKDF2 with 600,000 iterations takes a few hundred milliseconds of CPU: on the thread pool, not the request's.</summary>
    private static Task<string> HashAsync(string password, CancellationToken ct) => Task.Run(() => PasswordHash.Create(password), ct);

    private static HospesError? PasswordProblem(string user, string? password) => password switch
    {
        null => null,
        { Length: < MinPasswordLength } => HospesError.Invalid($"user {user}: the password has {password.Length} characters; give at least {MinPasswordLength}"),
        { Length: > MaxPasswordLength } => HospesError.Invalid($"user {user}: the password has {password.Length} characters; at most {MaxPasswordLength} are allowed"),
        _ when password.Any(char.IsControl) => HospesError.Invalid($"user {user}: the password holds a control character (a newline?); give it on one line"),
        _ => null,
    };

    private static HospesError NoUser(string name) =>
        HospesError.NotFound($"user {name} does not exist; hospes user list shows the users, hospes user create {name} makes it");

    private static HospesError Taken(string name) =>
        HospesError.Conflict($"user {name} exists already; choose another name, or change it with hospes user set {name}");
}
