using Hospes.Core.Vms;

namespace Hospes.Host.Migration;

/// <summary>
/// #15: the kernel, initrd and arguments a pygrub guest runs, as an offer carries them (<see cref="MigratedBoot"/>): what
/// the destination checks before it makes anything, and how it writes them where the incoming launch boots them.
/// </summary>
internal static class MigratedBootFiles
{
    /// <summary>
    /// #15: a pygrub VM comes with the kernel it runs, and only a pygrub VM: base64, within the migration's bound, and
    /// arguments a kernel command line may hold.
    /// </summary>
    public static IEnumerable<string> Problems(MigrationOffer offer)
    {
        if (offer.Boot is not { } boot)
        {
            yield break;
        }

        if (!Vms.BootloaderStep.Applies(offer.Spec))
        {
            yield return "a kernel is sent for a VM that does not boot with a bootloader";
            yield break;
        }

        long? kernel = Base64Length(boot.Kernel), initrd = boot.Initrd is null ? 0 : Base64Length(boot.Initrd);
        if (kernel is not > 0)
        {
            yield return "the kernel sent is not base64, or empty";
        }

        if (initrd is null)
        {
            yield return "the initrd sent is not base64";
        }

        if (kernel + initrd > MigrationDefaults.BootFilesLimitBytes)
        {
            yield return $"the kernel and initrd sent take {(kernel + initrd) >> 20} MiB, more than {MigrationDefaults.BootFilesLimitBytes >> 20} MiB";
        }

        if (boot.Args.Length > 4096 || SpecRules.ControlCharacter(boot.Args) is not null)
        {
            yield return "the kernel arguments sent are longer than 4096 characters or hold a control character";
        }
    }

    /// <summary>The decoded length of <paramref name="text"/>, or null when it is not base64.</summary>
    private static long? Base64Length(string text)
    {
        if (text.Length % 4 != 0 || !System.Buffers.Text.Base64.IsValid(text, out int decoded))
        {
            return null;
        }

        return decoded;
    }

    /// <summary>Writes the boot files where the launch of an incoming QEMU takes them from (the arguments last: the mark of a whole set).</summary>
    public static async Task WriteAsync(string vmDir, MigratedBoot boot, CancellationToken ct)
    {
        const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        string dir = Path.Combine(vmDir, "boot");
        Directory.CreateDirectory(dir, Owner | UnixFileMode.UserExecute);
        async Task WriteAsync(string name, byte[] bytes)
        {
            await using var file = new FileStream(Path.Combine(dir, name), new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Owner });
            await file.WriteAsync(bytes, ct).ConfigureAwait(false);
        }

        await WriteAsync(Hospes.Storage.Bootloader.GuestBootLoader.KernelFileName, Convert.FromBase64String(boot.Kernel)).ConfigureAwait(false);
        if (boot.Initrd is { } initrd)
        {
            await WriteAsync(Hospes.Storage.Bootloader.GuestBootLoader.InitrdFileName, Convert.FromBase64String(initrd)).ConfigureAwait(false);
        }

        await WriteAsync(Vms.BootloaderStep.CmdlineFileName, System.Text.Encoding.UTF8.GetBytes(boot.Args)).ConfigureAwait(false);
    }
}
