namespace Hospes.Storage.Bootloader;

/// <summary>Absolute paths inside a guest filesystem, always '/'-separated, whatever the host.</summary>
internal static class GuestPath
{
    public static string Directory(string path)
    {
        int slash = path.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>Joins a link target to its directory (an absolute target replaces it) and folds "." and "..".</summary>
    public static string Combine(string directory, string target)
    {
        string joined = target.StartsWith('/') ? target : $"{directory}/{target}";
        var parts = new List<string>();
        foreach (string part in joined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>Drops a GRUB device prefix: "(hd0,msdos1)/vmlinuz" and "($root)/vmlinuz" become "/vmlinuz".</summary>
    public static string WithoutDevice(string path)
    {
        string rest = path.StartsWith('(') && path.IndexOf(')', StringComparison.Ordinal) is var close and > 0 ? path[(close + 1)..] : path;
        return rest.StartsWith('/') ? rest : "/" + rest;
    }
}
