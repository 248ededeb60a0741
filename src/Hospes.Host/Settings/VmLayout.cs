using Hospes.Qemu.CommandLine;

namespace Hospes.Host.Settings;

/// <summary>Where a VM's files are: its folder in the state dir, and its sockets in the (short) run dir.</summary>
internal sealed class VmLayout(HostOptions options)
{
    public HostOptions Options => options;

    public string VmDir(Guid uuid) => Path.Combine(options.VmsDir, uuid.ToString());

    /// <summary>
    /// A migration in flight writes what a restarted hospesd needs to settle it here (Migration/MigrationJournal); while
    /// it exists, start-up must not end the VM's QEMU.
    /// </summary>
    public string MigrationJournal(Guid uuid) => Path.Combine(VmDir(uuid), "migration.json");

    /// <summary>
    /// A fork of this VM under way (Vms/Forks/ForkJournal); while it exists, start-up must not end the VM's QEMU (stopped
    /// at its fork point, it looks like a save cut off): the fork floor settles it.
    /// </summary>
    public string ForkJournal(Guid uuid) => Path.Combine(VmDir(uuid), "fork.json");

    /// <summary>
    /// The folder a migration's TLS credentials are in while it runs (<c>tls-creds-x509 dir=</c>): in the run dir (kept
    /// off the disk where it is a tmpfs), where a QEMU of its own uid can reach it (MigrationTls.WriteCredentials).
    /// </summary>
    public string MigrationTlsDir(Guid uuid) => Path.Combine(options.EffectiveRunDir, "tls", uuid.ToString("N"));

    /// <summary>
    /// Sockets and the pid file are named by the whole uuid: two VMs never share a name (a shared prefix once let one
    /// VM's start delete another's sockets). "/run/hospes/" + 32 hex + ".console" stays far below the 107-byte limit
    /// of unix socket paths.
    /// </summary>
    public VmRuntimePaths Paths(Guid uuid) => PathsNamed(uuid, uuid.ToString("N"));

    /// <summary>The names an older hospesd gave (a 12-hex uuid prefix): only to find its QEMUs again after an upgrade.</summary>
    public VmRuntimePaths LegacyPaths(Guid uuid) => PathsNamed(uuid, uuid.ToString("N")[..12]);

    private VmRuntimePaths PathsNamed(Guid uuid, string name)
    {
        string dir = VmDir(uuid);
        string run = Path.Combine(options.EffectiveRunDir, name);
        return new VmRuntimePaths
        {
            QmpSocket = run + ".qmp",
            ConsoleSocket = run + ".console",
            AgentSocket = run + ".qga",
            PidFile = run + ".pid",
            VncSocket = run + ".vnc",
            ConsoleLog = Path.Combine(dir, "console.log"),
            QemuLog = Path.Combine(dir, "qemu.log"),
            QmpLog = Path.Combine(dir, "qmp.log"),
            FirmwareVars = Path.Combine(dir, OvmfFirmware.VarsFileName),
        };
    }
}
