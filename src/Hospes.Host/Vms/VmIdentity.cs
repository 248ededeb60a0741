using System.Security.Cryptography;
using Hospes.Core.Vms;

namespace Hospes.Host.Vms;

/// <summary>A VM's identity: its uuid and its MACs, given once and kept for its life.</summary>
internal static class VmIdentity
{
    /// <summary>A uuid and MACs for what the config left open.</summary>
    public static VmSpec Complete(VmSpec spec) => spec with
    {
        Uuid = spec.Uuid == Guid.Empty ? Guid.NewGuid() : spec.Uuid,
        Vifs = [.. spec.Vifs.Select(v => v.Mac is null ? v with { Mac = RandomMac() } : v)],
    };

    /// <summary>A spec with a fresh uuid and fresh MACs (every clone gets its own identity).</summary>
    public static VmSpec Fresh(VmSpec spec, string name) => Complete(spec with
    {
        Name = name,
        Uuid = Guid.Empty,
        Vifs = [.. spec.Vifs.Select(v => v with { Mac = null, Ip = null })],
    });

    /// <summary>52:54:00 is QEMU's locally administered prefix; the rest is random.</summary>
    private static string RandomMac()
    {
        Span<byte> b = stackalloc byte[3];
        RandomNumberGenerator.Fill(b);
        return $"52:54:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}";
    }
}
