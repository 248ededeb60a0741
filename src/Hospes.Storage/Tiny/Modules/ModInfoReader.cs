using System.Buffers.Binary;
using System.Text;
using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Modules;

/// <summary>
/// Reads the .modinfo section of a .ko file (an ELF64 relocatable object): NUL-separated key=value strings.
/// Done by hand so the build needs no modinfo/depmod and never touches the host's module tree.
/// </summary>
internal static class ModInfoReader
{
    private const int SectionHeaderSize = 64;

    public static async Task<Result<ModInfo>> ReadAsync(string path, CancellationToken ct)
    {
        byte[] elf = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        return Parse(elf, path);
    }

    public static Result<ModInfo> Parse(ReadOnlySpan<byte> elf, string what)
    {
        if (!TryFindSection(elf, ".modinfo", out ReadOnlySpan<byte> section, out string problem))
        {
            return HospesError.Unavailable($"cannot read the module info of {what}: {problem}");
        }

        var fields = new List<KeyValuePair<string, string>>();
        foreach (string entry in Encoding.UTF8.GetString(section).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields.Add(new(entry[..eq], entry[(eq + 1)..]));
            }
        }

        string? name = fields.FirstOrDefault(f => f.Key == "name").Value;
        if (string.IsNullOrEmpty(name))
        {
            // Old kernels leave name= out; kbuild derives it from the file name the same way.
            name = ModuleNames.OfFile(what);
        }

        string depends = fields.FirstOrDefault(f => f.Key == "depends").Value ?? "";
        return new ModInfo
        {
            Name = name,
            Depends = [.. depends.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Vermagic = fields.FirstOrDefault(f => f.Key == "vermagic").Value ?? "",
            Fields = fields,
        };
    }

    private static bool TryFindSection(ReadOnlySpan<byte> elf, string wanted, out ReadOnlySpan<byte> section, out string problem)
    {
        section = default;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            problem = "not an ELF file";
            return false;
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            problem = "not a 64-bit little-endian ELF file";
            return false;
        }

        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        int shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3E..]);
        if (shentsize != SectionHeaderSize || shstrndx >= shnum || shoff + (ulong)(shnum * shentsize) > (ulong)elf.Length)
        {
            problem = "its section header table is damaged";
            return false;
        }

        if (!TrySlice(elf, Header(elf, shoff, shstrndx), out ReadOnlySpan<byte> names))
        {
            problem = "its section name table is damaged";
            return false;
        }

        for (int i = 0; i < shnum; i++)
        {
            ReadOnlySpan<byte> header = Header(elf, shoff, i);
            int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (nameOffset >= names.Length)
            {
                continue;
            }

            ReadOnlySpan<byte> name = names[nameOffset..];
            int end = name.IndexOf((byte)0);
            if (end >= 0 && Encoding.ASCII.GetString(name[..end]) == wanted)
            {
                if (TrySlice(elf, header, out section))
                {
                    problem = "";
                    return true;
                }

                problem = $"its {wanted} section lies outside the file";
                return false;
            }
        }

        problem = $"it has no {wanted} section";
        return false;
    }

    private static ReadOnlySpan<byte> Header(ReadOnlySpan<byte> elf, ulong shoff, int index) =>
        elf.Slice(checked((int)shoff + (index * SectionHeaderSize)), SectionHeaderSize);

    private static bool TrySlice(ReadOnlySpan<byte> elf, ReadOnlySpan<byte> header, out ReadOnlySpan<byte> section)
    {
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        if (offset > (ulong)elf.Length || size > (ulong)elf.Length - offset)
        {
            section = default;
            return false;
        }

        section = elf.Slice((int)offset, (int)size);
        return true;
    }
}
