namespace Hospes.Storage.Tiny.Elf;

/// <summary>What a dynamically linked ELF file asks of the loader.</summary>
internal sealed record ElfDynamic
{
    /// <summary>PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2; null for a shared library.</summary>
    public string? Interpreter { get; init; }

    /// <summary>DT_NEEDED: the sonames of the libraries it links against, in file order.</summary>
    public IReadOnlyList<string> Needed { get; init; } = [];

    /// <summary>DT_SONAME of a shared library.</summary>
    public string? Soname { get; init; }
}
