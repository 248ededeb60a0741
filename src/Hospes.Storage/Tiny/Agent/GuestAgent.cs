namespace Hospes.Storage.Tiny.Agent;

/// <summary>
/// The tiny guest's agent: Debian's qemu-ga on the virtio-serial port org.qemu.guest_agent.0, started and restarted by
/// init (/usr/sbin/hospes-agent). hospesd reaches it through the VM's agent socket (`hospes guest`).
/// </summary>
internal static class GuestAgent
{
    public const string Package = "qemu-guest-agent";

    /// <summary>The agent in the package and in the guest.</summary>
    public const string Program = "usr/sbin/qemu-ga";

    /// <summary>The port's name; udev would link /dev/virtio-ports/NAME, which the tiny guest's script does itself.</summary>
    public const string PortName = "org.qemu.guest_agent.0";

    /// <summary>Pre-Depends that only the package's maintainer scripts use (deb-systemd-helper): perl would come along.</summary>
    public static IReadOnlySet<string> NotNeeded { get; } = new HashSet<string>(StringComparer.Ordinal) { "init-system-helpers" };
}
