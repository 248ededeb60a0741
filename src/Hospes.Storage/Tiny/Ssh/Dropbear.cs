namespace Hospes.Storage.Tiny.Ssh;

/// <summary>The tiny guest's SSH server: Debian's dropbear, started by /etc/rc when the guest has a NIC and a key.</summary>
internal static class Dropbear
{
    public const string Package = "dropbear-bin";

    /// <summary>The server binary in the package and in the guest; its client and key tools stay out.</summary>
    public const string Program = "usr/sbin/dropbear";

    /// <summary>Where dropbear -R writes the host keys it makes on the first connection.</summary>
    public const string HostKeyDirectory = "etc/dropbear";

    public const string LogFile = "var/log/dropbear.log";
}
