using Hospes.Core.Errors;
using Hospes.Storage.Tiny.Ssh;

namespace Hospes.Storage.Tiny;

/// <summary>What the tiny guest promises its callers: the marker it prints, the kernel parameters it reads, where things are.</summary>
public static class TinyGuest
{
    /// <summary>Printed alone on a line on the console once userspace is up; the console shell takes input from then on.</summary>
    public const string ReadyMarker = "HOSPES-READY";

    /// <summary>Kernel command line parameter naming the guest: <c>hospes.name=web7</c> sets the hostname.</summary>
    public const string NameParameter = "hospes.name";

    /// <summary>
    /// Kernel command line parameter with a public key root may log in with over SSH:
    /// <c>hospes.sshkey=ssh-ed25519:AAAAC3Nza...</c> (the key's space made a colon, no comment; see
    /// <see cref="SshKeyArgument"/>). May be given several times. With at least one key and a NIC, the guest runs an SSH
    /// server (dropbear, key logins only) on port <see cref="SshPort"/> once its init script is done.
    /// </summary>
    public const string SshKeyParameter = "hospes.sshkey";

    /// <summary>
    /// The fw_cfg file (<c>-fw_cfg name=...,file=...</c>) with the SSH server's host key in dropbear's format (see
    /// <see cref="Ssh.Ed25519KeyFile.ToDropbear"/>). Without it, or on a kernel without qemu_fw_cfg, dropbear makes a
    /// key of its own at the first connection, which nobody outside the guest knows.
    /// </summary>
    public const string HostKeyFwCfgName = "opt/org.hospes/ssh-host-key";

    /// <summary>The user an SSH key logs in as; its shell is busybox sh with the applets on PATH.</summary>
    public const string SshUser = "root";

    public const int SshPort = 22;

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

    /// <summary>A gzip'd cpio archive followed by an uncompressed one (the SSH server); the kernel unpacks both.</summary>
    public const string InitrdFileName = "initrd.gz";

    public const string ManifestFileName = "image.json";

    /// <summary>
    /// The kernel parameter that authorizes <paramref name="openSshPublicKeyLine"/> (a line of an OpenSSH .pub file):
    /// <c>hospes.sshkey=TYPE:BASE64</c>, the comment dropped. Refuses a line that is not a public key.
    /// </summary>
    public static Result<string> SshKeyArgument(string openSshPublicKeyLine)
    {
        Result<(string Type, string Blob)> key = SshPublicKey.Parse(openSshPublicKeyLine);
        if (!key.IsOk)
        {
            return key.Error;
        }

        string argument = $"{SshKeyParameter}={key.Value.Type}:{key.Value.Blob}";
        return argument.Length <= SshPublicKey.MaxArgumentLength
            ? argument
            : HospesError.Invalid(
                $"SSH public key {key.Value.Type} is {argument.Length} characters as a kernel parameter, more than the {SshPublicKey.MaxArgumentLength} "
                + "the tiny guest takes (the whole command line holds 2048); use an ed25519 key");
    }
}
