namespace Hospes.Qemu.CommandLine;

/// <summary>UEFI firmware for bios = 'ovmf': Debian's ovmf package (setup.sh installs it).</summary>
public static class OvmfFirmware
{
    /// <summary>The firmware code, shared read-only by every guest.</summary>
    public const string CodePath = "/usr/share/OVMF/OVMF_CODE.fd";

    /// <summary>The empty UEFI variable store each guest gets its own copy of.</summary>
    public const string VarsTemplate = "/usr/share/OVMF/OVMF_VARS.fd";

    /// <summary>The copy's name in the VM's folder.</summary>
    public const string VarsFileName = "OVMF_VARS.fd";
}
