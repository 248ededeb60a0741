using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Storage.Images;
using Hospes.Storage.Tiny;

namespace Hospes.Host.Vms;

/// <summary>
/// Turns "image:NAME" references into the store's paths and checks that every file the guest needs
/// exists now, so QEMU is never started to fail on a missing file.
/// </summary>
internal static class SpecResolver
{
    /// <summary>Set on the kernel command line of store kernels so the tiny guest knows its name.</summary>
    public const string NameParameter = "hospes.name";

    /// <summary><paramref name="sshPublicKey"/> (an OpenSSH public key line) goes to store kernels, which take it as root's key.</summary>
    public static Result<ResolvedVm> Resolve(VmSpec spec, ImageStore images, string? sshPublicKey = null)
    {
        var problems = new List<string>();
        string? kernel = spec.Kernel;
        string? ramdisk = spec.Ramdisk;
        var hostCmdline = new List<string>();
        bool tinySsh = false;
        if (ImageStore.IsReference(kernel))
        {
            Result<BootImage> image = images.Find(ImageStore.NameOf(kernel!));
            if (image.IsOk)
            {
                kernel = image.Value.Kernel;
                ramdisk ??= image.Value.Initrd;
                if (image.Value.DefaultCmdline.Length > 0)
                {
                    hostCmdline.Add(image.Value.DefaultCmdline);
                }

                hostCmdline.Add($"{NameParameter}={spec.Name}");
                if (sshPublicKey is not null && spec.Vifs.Count > 0 && TinyGuest.SshKeyArgument(sshPublicKey) is { IsOk: true } key)
                {
                    hostCmdline.Add(key.Value);
                    tinySsh = true;
                }
            }
            else
            {
                problems.Add($"kernel '{kernel}': {image.Error.Message}");
            }
        }

        if (ImageStore.IsReference(ramdisk))
        {
            Result<BootImage> image = images.Find(ImageStore.NameOf(ramdisk!));
            if (image is { IsOk: true, Value.Initrd: { } initrd })
            {
                ramdisk = initrd;
            }
            else
            {
                problems.Add($"ramdisk '{ramdisk}': {(image.IsOk ? $"image '{image.Value.Name}' has no initrd" : image.Error.Message)}");
            }
        }

        RequireFile(problems, "kernel", kernel);
        RequireFile(problems, "ramdisk", ramdisk);
        foreach (DiskSpec disk in spec.Disks)
        {
            if (ImageStore.IsReference(disk.Target))
            {
                problems.Add($"disk '{disk.Source ?? disk.Target}': {disk.Target} was never given to this VM as its own disk; define the VM again from its config");
            }
            else if (disk.Target.Length > 0)
            {
                RequireFile(problems, $"disk '{disk.Source ?? disk.Vdev}'", disk.Target);
            }
        }

        foreach (string bdf in spec.PciDevices)
        {
            if (!Directory.Exists($"/sys/bus/pci/devices/{bdf}"))
            {
                problems.Add($"pci '{bdf}': no such PCI device on this host");
            }
        }

        if (problems.Count > 0)
        {
            return new HospesError(ErrorCode.Unavailable, $"{spec.Name} cannot start here: {problems[0]}") { Details = problems };
        }

        return new ResolvedVm(spec with { Kernel = kernel, Ramdisk = ramdisk }, string.Join(' ', hostCmdline), tinySsh);
    }

    private static void RequireFile(List<string> problems, string what, string? path)
    {
        // An image reference that did not resolve has been reported already.
        if (path is not null && !ImageStore.IsReference(path) && !File.Exists(path))
        {
            problems.Add($"{what}: {path} does not exist");
        }
    }
}
