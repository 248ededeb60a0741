namespace Hospes.Storage.Tiny.Apt;

/// <summary>One package version as the apt index describes it.</summary>
internal sealed record DebPackage
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required string Architecture { get; init; }

    /// <summary>Lower-case hex SHA-256 of the .deb, from the index; a cached file is reused only if it matches.</summary>
    public required string Sha256 { get; init; }

    public string Depends { get; init; } = "";

    /// <summary>Pre-Depends: installed before this package; for the guest it counts like Depends.</summary>
    public string PreDepends { get; init; } = "";

    /// <summary>The file name apt-get download gives this version (the epoch's ':' escaped as %3a).</summary>
    public string FileName => $"{Name}_{Version.Replace(":", "%3a", StringComparison.Ordinal)}_{Architecture}.deb";
}
