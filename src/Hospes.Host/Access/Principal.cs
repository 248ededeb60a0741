namespace Hospes.Host.Access;

/// <summary>How a request was authenticated.</summary>
internal enum PrincipalKind
{
    /// <summary>root or a member of group hospes-admin on the unix socket: Admin everywhere, no ACL consulted.</summary>
    LocalAdmin,

    /// <summary>A user by password or client certificate.</summary>
    User,

    /// <summary>A user's API token.</summary>
    Token,
}

/// <summary>Who asks. Authentication made it (and refused disabled or expired users and tokens); evaluation only reads it.</summary>
internal sealed record Principal(PrincipalKind Kind, string User, string? TokenName = null, bool PrivilegeSeparated = false)
{
    public static Principal LocalAdmin(string unixUser) => new(PrincipalKind.LocalAdmin, unixUser);

    public static Principal OfUser(string user) => new(PrincipalKind.User, user);

    public static Principal OfToken(string user, string tokenName, bool privilegeSeparated) =>
        new(PrincipalKind.Token, user, tokenName, privilegeSeparated);

    /// <summary>"alice", "alice!ci" or "root (unix socket)", for messages and the audit log.</summary>
    public string Display => Kind switch
    {
        PrincipalKind.LocalAdmin => $"{User} (unix socket)",
        PrincipalKind.Token => $"{User}!{TokenName}",
        _ => User,
    };
}
