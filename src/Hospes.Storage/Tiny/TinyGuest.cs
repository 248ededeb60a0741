namespace Hospes.Storage.Tiny;

/// <summary>What the tiny guest promises its callers: the marker it prints, the kernel parameters it reads, where things are.</summary>
public static class TinyGuest
{
    /// <summary>Printed alone on a line on the console once userspace is up; the console shell takes input from then on.</summary>
    public const string ReadyMarker = "HOSPES-READY";

    /// <summary>Kernel command line parameter naming the guest: <c>hospes.name=web7</c> sets the hostname.</summary>
    public const string NameParameter = "hospes.name";

    /// <summary>The hostname when the command line has no <see cref="NameParameter"/>.</summary>
    public const string DefaultHostname = "tiny";

    /// <summary>Appended by callers to their own parameters; without it boot is ~2 s slower (serial output is slow under TCG).</summary>
    public const string DefaultCmdline = "quiet";

    /// <summary>The console the guest's shell and marker use; callers put <c>console=ttyS0</c> on the command line.</summary>
    public const string ConsoleDevice = "ttyS0";

    /// <summary>The first virtio disk; mounted on <see cref="DiskMountPoint"/> at boot when it holds a filesystem.</summary>
    public const string DiskDevice = "/dev/vda";

    public const string DiskMountPoint = "/mnt";

    /// <summary>The image's name in the image store (&lt;state&gt;/images/tiny).</summary>
    public const string ImageName = "tiny";

    public const string KernelFileName = "vmlinuz";

    public const string InitrdFileName = "initrd.gz";

    public const string ManifestFileName = "image.json";
}
