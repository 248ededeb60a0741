using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>Fills an object path template of the route table ("/projects/{project}/vms/{name}"), one segment per parameter.</summary>
internal static class ObjectPaths
{
    /// <summary>The parameters a template names, in order: "project", "name".</summary>
    public static IEnumerable<string> Parameters(string template) =>
        template.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s.StartsWith('{')).Select(s => s[1..^1].Split(':')[0]);

    /// <summary>The path, or an error naming the parameter that is missing or empty (a value is one segment, '/' and all).</summary>
    public static Result<AclPath> Fill(string template, Func<string, string?> value)
    {
        var segments = new List<string>();
        foreach (string part in template.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith('{'))
            {
                segments.Add(part);
                continue;
            }

            string name = part[1..^1];
            if (value(name) is not { Length: > 0 } filled)
            {
                return HospesError.Invalid($"the request lacks its {name} parameter; name the object it is for");
            }

            segments.Add(filled);
        }

        return AclPath.Of(segments);
    }
}
