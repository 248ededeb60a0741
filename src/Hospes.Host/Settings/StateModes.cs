namespace Hospes.Host.Settings;

/// <summary>
/// Who may read what hospesd keeps: root alone. The state dir and the folders of VMs, images, templates, disks and
/// networks are 0700 (every disk, console log, QMP log and the DB below them is out of other users' reach whatever mode
/// QEMU or qemu-img gave the file); save files are 0600. The run dir is 0711: others may pass through it to the one
/// folder meant for them, the hosts files dnsmasq re-reads as nobody (<see cref="DnsmasqHostsDir"/>), but not list it.
/// </summary>
public static class StateModes
{
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Searchable by others, not listable: the run dir and the folder of dnsmasq's hosts files.</summary>
    public const UnixFileMode PassThrough = Private | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates the state dir and its top folders, and tightens them when an older hospesd made them 0755. Call before
    /// anything is written below them.
    /// </summary>
    public static void Apply(HostOptions options)
    {
        foreach (string dir in new[] { options.StateDir, options.VmsDir, options.ImagesDir, Templates(options), Disks(options), Networks(options) })
        {
            CreatePrivate(dir);
        }

        // The run dir may be a folder hospesd does not own alone (--socket /run/hospesd.sock): made 0711, never changed.
        if (!Directory.Exists(options.EffectiveRunDir))
        {
            Directory.CreateDirectory(options.EffectiveRunDir, PassThrough);
        }

        // SQLite opens an empty file as a new database and gives its journal files the database's mode: made here
        // 0600, the DB never exists with a wider mode, not even for the first start.
        if (System.IO.File.Exists(options.DatabasePath))
        {
            System.IO.File.SetUnixFileMode(options.DatabasePath, File);
        }
        else
        {
            using var created = new FileStream(options.DatabasePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File });
        }
    }

    /// <summary>A folder (and any missing parent) for root alone, tightened to 0700 if it already was there.</summary>
    public static void CreatePrivate(string dir)
    {
        Directory.CreateDirectory(dir, Private);
        System.IO.File.SetUnixFileMode(dir, Private);
    }

    /// <summary>
    /// Where one network's dnsmasq finds the hosts files it re-reads as user nobody, in the run dir (0711) rather than
    /// the state dir (0700): <c>RUN/dnsmasq/NETWORK</c>.
    /// </summary>
    public static string DnsmasqHostsDir(HostOptions options, string network) => Path.Combine(DnsmasqDir(options), network);

    public static string DnsmasqDir(HostOptions options) => Path.Combine(options.EffectiveRunDir, "dnsmasq");

    public static string Templates(HostOptions options) => Path.Combine(options.StateDir, "templates");

    public static string Disks(HostOptions options) => Path.Combine(options.StateDir, "disks");

    public static string Networks(HostOptions options) => Path.Combine(options.StateDir, "networks");
}
