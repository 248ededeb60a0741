using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>Custom roles: a valid new name and privileges from the list, every problem reported at once.</summary>
internal static class CustomRoles
{
    public static Result<Role> Create(string name, IEnumerable<string> privileges)
    {
        var problems = new List<string>();
        HospesError? nameError = AccessNames.Role(name);
        if (nameError is not null)
        {
            problems.Add(nameError.Message);
        }

        var chosen = new List<Privilege>();
        foreach (string p in privileges)
        {
            if (PrivilegeNames.TryParse(p, out Privilege privilege))
            {
                chosen.Add(privilege);
            }
            else
            {
                problems.Add($"role '{name}': '{p}' is not a privilege; they are {PrivilegeNames.Join(PrivilegeNames.All)}");
            }
        }

        if (problems.Count == 0 && chosen.Count == 0)
        {
            problems.Add($"role '{name}': no privileges given; name at least one (for NoAccess use the built-in role)");
        }

        return problems.Count switch
        {
            0 => new Role(name, PrivilegeSet.Of(chosen)),
            1 => nameError ?? HospesError.Invalid(problems[0]),
            _ => HospesError.Invalid($"role '{name}': {problems.Count} problems") with { Details = problems },
        };
    }
}
