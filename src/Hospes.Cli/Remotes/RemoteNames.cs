namespace Hospes.Cli.Remotes;

/// <summary>What a remote's name and a fingerprint may be.</summary>
internal static class RemoteNames
{
    /// <summary>Null when <paramref name="name"/> may name a remote; else what is wrong with it and what to do.</summary>
    public static string? Problem(string name)
    {
        if (name == RemoteStore.Local)
        {
            return $"a remote cannot be called {RemoteStore.Local}: that name means hospesd's unix socket; choose another";
        }

        bool ok = name.Length is > 0 and <= 32 && char.IsAsciiLetter(name[0])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        return ok ? null : $"remote name '{name}' is not valid: a letter first, then letters, digits, '.', '_' or '-', at most 32; e.g. course";
    }

    public static bool IsFingerprint(string hex) => hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower);

    /// <summary>The first 16 hex digits: enough to compare by eye; `remote show` has the whole.</summary>
    public static string Short(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..16] : fingerprint;
}
