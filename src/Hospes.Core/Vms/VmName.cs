namespace Hospes.Core.Vms;

/// <summary>Rules for VM names: they appear in paths, URLs and the guest's hostname.</summary>
public static class VmName
{
    public const int MaxLength = 63;

    /// <summary>Returns null when valid, or what is wrong with the name.</summary>
    public static string? Validate(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"the name is {name.Length} characters long; at most {MaxLength} are allowed";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return "the name must start with a letter or digit";
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
