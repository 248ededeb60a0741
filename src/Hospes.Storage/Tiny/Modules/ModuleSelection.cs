namespace Hospes.Storage.Tiny.Modules;

/// <summary>The modules for the initramfs and how /etc/rc loads each wanted one.</summary>
internal sealed record ModuleSelection
{
    /// <summary>Every module to carry, in a valid load order.</summary>
    public required IReadOnlyList<SelectedModule> Modules { get; init; }

    /// <summary>For each wanted module, itself and its dependencies in load order.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Chains { get; init; }

    /// <summary>Wanted modules compiled into the kernel: nothing to load.</summary>
    public IReadOnlyList<string> Builtin { get; init; } = [];

    /// <summary>Optional modules this kernel does not have.</summary>
    public IReadOnlyList<string> Absent { get; init; } = [];
}
