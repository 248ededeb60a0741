namespace Hospes.Storage.Tiny.Modules;

/// <summary>What a kernel module's .modinfo section says about it.</summary>
internal sealed record ModInfo
{
    /// <summary>The module's name as the kernel knows it (underscores; virtio-rng.ko is "virtio_rng").</summary>
    public required string Name { get; init; }

    /// <summary>Modules that must be loaded first, from depends=.</summary>
    public required IReadOnlyList<string> Depends { get; init; }

    public string Vermagic { get; init; } = "";

    /// <summary>Every key=value string in the section, in order (alias, parmtype, license...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; } = [];

    public IEnumerable<string> Values(string key) =>
        Fields.Where(f => f.Key == key).Select(f => f.Value);
}
