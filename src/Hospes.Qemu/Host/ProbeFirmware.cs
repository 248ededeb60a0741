using System.Buffers.Binary;

namespace Hospes.Qemu.Host;

/// <summary>
/// A 64 KiB flat firmware image for the accelerator probe: from the reset vector it enters 32-bit
/// protected mode (real mode alone can be emulated by KVM and would mislead), counts a register down
/// from N, then writes to isa-debug-exit so QEMU exits. Compute only: this measures how fast guest
/// code runs, which is what nested virtualization without hardware support ruins.
/// </summary>
internal static class ProbeFirmware
{
    public const int DebugExitPort = 0xf4;

    /// <summary>QEMU exits with (value &lt;&lt; 1) | 1 when the guest writes value to isa-debug-exit; the probe writes 0.</summary>
    public const int SuccessExitCode = 1;

    private const uint Base = 0xFFFF0000;
    private const int GdtrOffset = 0x80;
    private const int GdtOffset = 0x100;
    private const int ProtectedEntry = 24;

    public static byte[] Build(uint iterations)
    {
        byte[] image = new byte[64 * 1024];
        Array.Fill(image, (byte)0xF4); // hlt everywhere else
        var code = new List<byte>();

        // 16-bit: cli; lgdt cs:[GdtrOffset] (o32); cr0.PE = 1; jmp far 0x08:ProtectedEntry (o32)
        code.Add(0xFA);
        code.AddRange([0x2E, 0x66, 0x0F, 0x01, 0x16, GdtrOffset & 0xFF, GdtrOffset >> 8]);
        code.AddRange([0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0]);
        code.AddRange([0x66, 0xEA]);
        code.AddRange(LittleEndian(Base + ProtectedEntry));
        code.AddRange([0x08, 0x00]);

        // 32-bit: load data segments; mov ecx, N; loop: dec ecx; jnz loop; mov al, 0; out DebugExitPort, al; hlt
        code.AddRange([0x66, 0xB8, 0x10, 0x00, 0x8E, 0xD8, 0x8E, 0xD0]);
        code.Add(0xB9);
        code.AddRange(LittleEndian(iterations));
        code.AddRange([0x49, 0x75, 0xFD]);
        code.AddRange([0xB0, 0x00, 0xE6, DebugExitPort, 0xF4, 0xEB, 0xFE]);
        code.CopyTo(image, 0);

        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(GdtrOffset), 3 * 8 - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(GdtrOffset + 2), Base + GdtOffset);
        byte[] gdt =
        [
            0, 0, 0, 0, 0, 0, 0, 0,
            0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A, 0xCF, 0x00, // flat 32-bit code
            0xFF, 0xFF, 0x00, 0x00, 0x00, 0x92, 0xCF, 0x00, // flat data
        ];
        gdt.CopyTo(image, GdtOffset);

        // Reset vector at 0xFFFFFFF0: jmp near to offset 0 of this segment.
        image[0xFFF0] = 0xE9;
        image[0xFFF1] = 0x0D;
        image[0xFFF2] = 0x00;
        return image;
    }

    private static byte[] LittleEndian(uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }
}
