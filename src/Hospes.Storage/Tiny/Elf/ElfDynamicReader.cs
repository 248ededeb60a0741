using System.Buffers.Binary;
using System.Text;
using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Elf;

/// <summary>
/// Reads PT_INTERP and the dynamic section of an x86-64 ELF file through its program headers, as the loader does,
/// so the build needs no readelf and works on binaries stripped of section headers.
/// </summary>
internal static class ElfDynamicReader
{
    private const int ProgramHeaderSize = 56;
    private const int DynamicEntrySize = 16;
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;
    private const long DtNull = 0;
    private const long DtNeeded = 1;
    private const long DtStrtab = 5;
    private const long DtSoname = 14;
    private const ushort MachineX8664 = 62;

    public static async Task<Result<ElfDynamic>> ReadAsync(string path, CancellationToken ct)
    {
        byte[] elf = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        return Parse(elf, path);
    }

    public static Result<ElfDynamic> Parse(ReadOnlySpan<byte> elf, string what)
    {
        string? problem = Read(elf, out ElfDynamic? dynamic);
        return problem is null ? dynamic! : HospesError.Unavailable($"cannot read the dynamic linking info of {what}: {problem}");
    }

    private static string? Read(ReadOnlySpan<byte> elf, out ElfDynamic? dynamic)
    {
        dynamic = null;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            return "not an ELF file";
        }

        if (elf[4] != 2 || elf[5] != 1 || BinaryPrimitives.ReadUInt16LittleEndian(elf[0x12..]) != MachineX8664)
        {
            return "not an x86-64 ELF file";
        }

        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(elf[0x20..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x36..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x38..]);
        if (phentsize != ProgramHeaderSize || phoff > (ulong)elf.Length || (ulong)(phnum * phentsize) > (ulong)elf.Length - phoff)
        {
            return "its program header table is damaged";
        }

        var loads = new List<(ulong Vaddr, ulong Offset, ulong Size)>();
        string? interpreter = null;
        ReadOnlySpan<byte> dynamicSection = default;
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> header = elf.Slice((int)phoff + (i * ProgramHeaderSize), ProgramHeaderSize);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
            if (type is not (PtLoad or PtDynamic or PtInterp))
            {
                continue;
            }

            if (offset > (ulong)elf.Length || size > (ulong)elf.Length - offset)
            {
                return "a segment lies outside the file";
            }

            ReadOnlySpan<byte> segment = elf.Slice((int)offset, (int)size);
            switch (type)
            {
                case PtLoad:
                    loads.Add((vaddr, offset, size));
                    break;
                case PtDynamic:
                    dynamicSection = segment;
                    break;
                default:
                    interpreter = CString(segment, 0);
                    break;
            }
        }

        var needed = new List<ulong>();
        ulong? soname = null;
        ulong? strtab = null;
        for (int at = 0; at + DynamicEntrySize <= dynamicSection.Length; at += DynamicEntrySize)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(dynamicSection[at..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(dynamicSection[(at + 8)..]);
            if (tag == DtNull)
            {
                break;
            }

            switch (tag)
            {
                case DtNeeded:
                    needed.Add(value);
                    break;
                case DtSoname:
                    soname = value;
                    break;
                case DtStrtab:
                    strtab = value;
                    break;
            }
        }

        if ((needed.Count > 0 || soname is not null) && strtab is null)
        {
            return "its dynamic section has no string table";
        }

        // DT_STRTAB is an address; the PT_LOAD segment that maps it gives its place in the file.
        ulong strtabOffset = 0;
        if (strtab is { } address)
        {
            int load = loads.FindIndex(l => address >= l.Vaddr && address < l.Vaddr + l.Size);
            if (load < 0)
            {
                return "its string table is not in a loaded segment";
            }

            strtabOffset = loads[load].Offset + (address - loads[load].Vaddr);
        }

        var names = new List<string>();
        foreach (ulong index in soname is { } s ? needed.Append(s) : needed)
        {
            string? name = strtabOffset + index < (ulong)elf.Length ? CString(elf, (int)(strtabOffset + index)) : null;
            if (string.IsNullOrEmpty(name))
            {
                return "a library name lies outside its string table";
            }

            names.Add(name);
        }

        dynamic = new ElfDynamic
        {
            Interpreter = string.IsNullOrEmpty(interpreter) ? null : interpreter,
            Needed = names[..needed.Count],
            Soname = soname is null ? null : names[^1],
        };
        return null;
    }

    private static string? CString(ReadOnlySpan<byte> bytes, int offset)
    {
        int end = bytes[offset..].IndexOf((byte)0);
        return end < 0 ? null : Encoding.UTF8.GetString(bytes.Slice(offset, end));
    }
}
