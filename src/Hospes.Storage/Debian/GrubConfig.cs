namespace Hospes.Storage.Debian;

/// <summary>
/// /boot/grub/grub.cfg for the template: one menu entry, no GRUB installed. A pygrub-style reader finds the kernel,
/// initrd and parameters here, with paths relative to the root partition.
/// </summary>
internal static class GrubConfig
{
    public static string Render(string title, string kernelVersion, string cmdline) => $"""
        # Written by Hospes (hospes image build debian); read by Hospes's boot loader, not by GRUB.
        set default=0
        set timeout=0

        menuentry '{title}' {"{"}
            linux /boot/vmlinuz-{kernelVersion} {cmdline}
            initrd /boot/initrd.img-{kernelVersion}
        {"}"}

        """;
}
