using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>
/// Where a privilege applies: "/", "/projects/lab1", "/projects/lab1/vms/web", "/images/debian". A path is a list of
/// segments; a route's object path fills one segment per parameter (a disk name "web/xvda" is one segment), and
/// <see cref="Parse"/> reads a disk's or image's name to the end, so both agree.
/// </summary>
internal sealed class AclPath : IEquatable<AclPath>
{
    private static readonly string[] ProjectKinds = ["vms", "networks", "disks", "templates"];

    private AclPath(IReadOnlyList<string> segments)
    {
        Segments = segments;
        Value = "/" + string.Join('/', segments);
    }

    public static AclPath Root { get; } = new([]);

    public IReadOnlyList<string> Segments { get; }

    public string Value { get; }

    /// <summary>An object path made from trusted parts (the route table's templates, filled); no grammar check.</summary>
    public static AclPath Of(params IEnumerable<string> segments) => new([.. segments]);

    /// <summary>"/", then every deeper path down to this one.</summary>
    public IEnumerable<AclPath> FromRoot()
    {
        for (int i = 0; i <= Segments.Count; i++)
        {
            yield return i == Segments.Count ? this : new AclPath([.. Segments.Take(i)]);
        }
    }

    /// <summary>
    /// An ACL path as people write it: /, /projects[/P[/vms|networks|disks|templates[/NAME]]], /images[/NAME],
    /// /access. Errors name the path, the problem and the shapes allowed.
    /// </summary>
    public static Result<AclPath> Parse(string text)
    {
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            return Bad(text, "it must start with '/'");
        }

        string[] parts = text.Length == 1 ? [] : text[1..].TrimEnd('/').Split('/');
        if (parts.Any(p => p.Length == 0))
        {
            return Bad(text, "it has an empty segment ('//')");
        }

        string? problem = parts switch
        {
            [] => null,
            ["access" or "projects" or "images"] => null,
            ["images", .. var name] => Name(string.Join('/', name), "image"),
            ["access", ..] => "/access has no paths below it",
            ["projects", var project] => AccessNames.Project(project)?.Message,
            ["projects", var project, var kind] => AccessNames.Project(project)?.Message ?? Kind(kind),
            ["projects", var project, var kind, .. var name] =>
                AccessNames.Project(project)?.Message ?? Kind(kind) ?? (kind == "disks" ? null : name.Length > 1 ? $"a {kind[..^1]} name holds no '/'" : null) ?? Name(string.Join('/', name), kind[..^1]),
            _ => $"'{parts[0]}' is not a kind of object",
        };
        if (problem is not null)
        {
            return Bad(text, problem);
        }

        // A disk's or image's name may hold '/': it is one segment, as the route table fills it.
        return parts is ["images", _, _, ..] ? new AclPath(["images", string.Join('/', parts[1..])])
            : parts is ["projects", _, "disks", _, _, ..] ? new AclPath([.. parts[..3], string.Join('/', parts[3..])])
            : new AclPath(parts);
    }

    public override string ToString() => Value;

    public bool Equals(AclPath? other) => other is not null && Value == other.Value;

    public override bool Equals(object? obj) => Equals(obj as AclPath);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    private static string? Kind(string kind) =>
        ProjectKinds.Contains(kind) ? null : $"'{kind}' is not a kind of object in a project (they are {string.Join(", ", ProjectKinds)})";

    private static string? Name(string name, string thing) =>
        name.Length is > 0 and <= 255 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
            ? null
            : $"'{name}' is not a valid {thing} name";

    private static HospesError Bad(string text, string problem) => HospesError.Invalid(
        $"ACL path '{text}': {problem}; paths look like /, /projects/P, /projects/P/vms/V, /projects/P/networks/N, /projects/P/disks/D, /projects/P/templates/T, /images/I");
}
