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
            return HospesError.Unauthenticated(WrongPassword);
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
            return HospesError.Unauthenticated($"the token is malformed: a Hospes token looks like {ApiToken.Prefix}<16 hex digits>_<43 characters>; copy it whole as hospes token create printed it");
        }

        if (find(token.Id) is not { } row || !token.Matches(row.SecretSha256))
        {
            return HospesError.Unauthenticated(WrongToken);
        }

        if (row.Expires is { } end && end <= now)
        {
            return HospesError.Unauthenticated($"token {row.User}!{row.Name} expired at {end:u}; create a new one with hospes token create {row.User}");
        }

        if (findUser(row.User) is not { } user)
        {
            return HospesError.Unauthenticated(WrongToken);
        }

        return Usable(user, now) ?? (Result<Principal>)Principal.OfToken(row.User, row.Name, row.PrivilegeSeparated);
    }

    /// <summary>
    /// A TLS client certificate mapped to a user (the handshake proved the caller holds its key). Unmapped, outside
    /// its validity or of a user who cannot log in: refused, naming the fingerprint and the fix.
    /// </summary>
    /// <param name="fingerprint">SHA-256 of the certificate (DER), lowercase hex.</param>
    /// <param name="notBefore">The certificate's start of validity.</param>
    /// <param name="notAfter">The certificate's end of validity.</param>
    /// <param name="mapping">The mapping of that fingerprint, if any.</param>
    /// <param name="findUser">The mapped user's row.</param>
    /// <param name="now">The time to check validity at.</param>
    public static Result<Principal> Certificate(string fingerprint, DateTimeOffset notBefore, DateTimeOffset notAfter, UserCertificateRecord? mapping, Func<string, UserRecord?> findUser, DateTimeOffset now)
    {
        if (mapping is null || findUser(mapping.User) is not { } user)
        {
            return HospesError.Unauthenticated($"the client certificate {fingerprint} is not mapped to a user; an admin maps it with hospes cert add USER FILE.pem, or use a token (Authorization: Bearer)");
        }

        if (now < notBefore || now >= notAfter)
        {
            return HospesError.Unauthenticated($"the client certificate {fingerprint} of user {user.Name} is valid only from {notBefore:u} to {notAfter:u}; make a new one and map it with hospes cert add {user.Name} FILE.pem");
        }

        return Usable(user, now) ?? (Result<Principal>)Principal.OfUser(user.Name);
    }

    /// <summary>
    /// A web session's user, read again at each request: a user deleted, disabled or expired since the login is refused at
    /// once, as a token would be.
    /// </summary>
    public static Result<Principal> Session(string name, UserRecord? user, DateTimeOffset now) =>
        user is null
            ? HospesError.Unauthenticated($"user {name} of this session no longer exists; log in again")
            : Usable(user, now) ?? (Result<Principal>)Principal.OfUser(user.Name);

    private static HospesError? Usable(UserRecord user, DateTimeOffset now) =>
        !user.Enabled ? HospesError.Unauthenticated($"user {user.Name} is disabled; an admin enables it with hospes user set {user.Name} --enable")
        : user.Expires is { } end && end <= now ? HospesError.Unauthenticated($"user {user.Name} expired at {end:u}; an admin extends it with hospes user set {user.Name} --expires DATE")
        : null;
}
