using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>
/// Checks a password or a token against stored rows and makes the <see cref="Principal"/>. A wrong user, password,
/// token id or secret all get the same answer, so a guess learns nothing; a disabled or expired account is named only
/// to one who proved the secret.
/// </summary>
internal static class Credentials
{
    public const string WrongPassword = "wrong user or password";
    public const string WrongToken = "the token is not valid (unknown, revoked or wrong); create one with hospes token create USER";

    public static Result<Principal> Password(UserRecord? user, string password, DateTimeOffset now)
    {
        if (user?.PasswordHash is not { } hash || !PasswordHash.Verify(password, hash))
        {
            return HospesError.Invalid(WrongPassword);
        }

        return Usable(user, now) ?? (Result<Principal>)Principal.OfUser(user.Name);
    }

    /// <param name="presented">The bearer string.</param>
    /// <param name="find">The token row by id.</param>
    /// <param name="findUser">The token's user's row.</param>
    /// <param name="now">The time to check expiry at.</param>
    public static Result<Principal> Token(string presented, Func<string, TokenRecord?> find, Func<string, UserRecord?> findUser, DateTimeOffset now)
    {
        if (ApiToken.Parse(presented) is not { } token)
        {
            return HospesError.Invalid($"the token is malformed: a Hospes token looks like {ApiToken.Prefix}<16 hex digits>_<43 characters>; copy it whole as hospes token create printed it");
        }

        if (find(token.Id) is not { } row || !token.Matches(row.SecretSha256))
        {
            return HospesError.Invalid(WrongToken);
        }

        if (row.Expires is { } end && end <= now)
        {
            return HospesError.Invalid($"token {row.User}!{row.Name} expired at {end:u}; create a new one with hospes token create {row.User}");
        }

        if (findUser(row.User) is not { } user)
        {
            return HospesError.Invalid(WrongToken);
        }

        return Usable(user, now) ?? (Result<Principal>)Principal.OfToken(row.User, row.Name, row.PrivilegeSeparated);
    }

    private static HospesError? Usable(UserRecord user, DateTimeOffset now) =>
        !user.Enabled ? HospesError.Invalid($"user {user.Name} is disabled; an admin enables it with hospes user set {user.Name} --enable")
        : user.Expires is { } end && end <= now ? HospesError.Invalid($"user {user.Name} expired at {end:u}; an admin extends it with hospes user set {user.Name} --expires DATE")
        : null;
}
