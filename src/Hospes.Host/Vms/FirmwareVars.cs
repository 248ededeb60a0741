using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Host.Vms;

/// <summary>A bios = 'ovmf' guest's own UEFI variable store: a copy of OVMF's empty one, made before its first start.</summary>
internal static class FirmwareVars
{
    public static Result<bool> Ensure(VmSpec spec, string? varsPath)
    {
        if (spec.Firmware != SpecRules.Ovmf || varsPath is null || File.Exists(varsPath))
        {
            return true;
        }

        foreach (string needed in (string[])[OvmfFirmware.CodePath, OvmfFirmware.VarsTemplate])
        {
            if (!File.Exists(needed))
            {
                return HospesError.Unavailable($"{spec.Name} cannot start: bios = 'ovmf' needs {needed}, which is missing; install Debian's ovmf package (./setup.sh does) or remove bios = 'ovmf'");
            }
        }

        // Copied beside it first, then renamed: a crash never leaves a half-written store behind.
        string partial = varsPath + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(varsPath)!);
            File.Copy(OvmfFirmware.VarsTemplate, partial, overwrite: true);
            File.Move(partial, varsPath, overwrite: false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            return HospesError.Unavailable($"{spec.Name} cannot start: its UEFI variable store {varsPath} cannot be made from {OvmfFirmware.VarsTemplate}: {e.Message}; check that the VM's folder is writable");
        }
    }
}
