using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>Who an ACL entry is for.</summary>
internal enum SubjectKind
{
    User,
    Group,
    Token,
}

/// <summary>A user ("alice"), a group ("team3") or a token ("alice!ci": its user and its name, as Proxmox writes it).</summary>
internal sealed record AclSubject(SubjectKind Kind, string Name)
{
    public static AclSubject User(string name) => new(SubjectKind.User, name);

    public static AclSubject Group(string name) => new(SubjectKind.Group, name);

    public static AclSubject Token(string user, string tokenName) => new(SubjectKind.Token, $"{user}!{tokenName}");

    /// <summary>The name checked for its kind: a token's as USER!NAME.</summary>
    public static Result<AclSubject> Create(SubjectKind kind, string name)
    {
        HospesError? error = kind switch
        {
            SubjectKind.User => AccessNames.User(name),
            SubjectKind.Group => AccessNames.Group(name),
            _ => name.Split('!') is [var user, var token]
                ? AccessNames.User(user) ?? AccessNames.Token(token)
                : HospesError.Invalid($"token '{name}': name a token as USER!NAME, for example alice!ci (hospes token list alice shows them)"),
        };
        return error is null ? new AclSubject(kind, name) : error;
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Name}";
}
