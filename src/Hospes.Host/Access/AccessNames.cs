using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>
/// Names of users, groups, tokens, roles and projects: they appear in ACL paths, token strings and the CLI, so they
/// are short and plain. Each check returns an error naming the thing, the problem and the fix, or null.
/// </summary>
internal static class AccessNames
{
    public const int MaxLength = 32;

    public static HospesError? User(string name) => Check("user", name, "hospes user create NAME");

    public static HospesError? Group(string name) => Check("group", name, "hospes group create NAME");

    public static HospesError? Token(string name) => Check("token name", name, "hospes token create USER --name NAME");

    public static HospesError? Project(string name) => Check("project", name, "hospes project create NAME");

    /// <summary>Roles also may not take a built-in role's name (in any case).</summary>
    public static HospesError? Role(string name) =>
        Check("role", name, "hospes role create NAME --privileges ...")
        ?? (BuiltInRoles.Find(name) is { } builtIn
            ? HospesError.Conflict($"role '{name}': {builtIn.Name} is a built-in role; give the custom role another name")
            : null);

    private static HospesError? Check(string thing, string name, string usage)
    {
        string? problem = Problem(name);
        return problem is null ? null : HospesError.Invalid($"{thing} '{name}': {problem}; for example {usage} with a name like team3-ce");
    }

    private static string? Problem(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"the name is {name.Length} characters long; at most {MaxLength} are allowed";
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return "the name must start with a letter";
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return $"the name contains '{c}'; use letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }
}
