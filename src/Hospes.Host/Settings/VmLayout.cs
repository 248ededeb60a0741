using Hospes.Qemu.CommandLine;

namespace Hospes.Host.Settings;

/// <summary>Where a VM's files are: its folder in the state dir, and its sockets in the (short) run dir.</summary>
internal sealed class VmLayout(HostOptions options)
{
    public string VmDir(Guid uuid) => Path.Combine(options.VmsDir, uuid.ToString());

    /// <summary>
    /// A migration in flight writes what a restarted hospesd needs to settle it here (Migration/MigrationJournal); while
    /// it exists, start-up must not end the VM's QEMU.
    /// </summary>
    public string MigrationJournal(Guid uuid) => Path.Combine(VmDir(uuid), "migration.json");

    public VmRuntimePaths Paths(Guid uuid)
    {
        string dir = VmDir(uuid);

        // Unix socket paths are limited to 107 bytes: sockets go to the (short) run dir, named by a uuid prefix.
        string run = Path.Combine(options.EffectiveRunDir, uuid.ToString("N")[..12]);
        return new VmRuntimePaths
        {
            QmpSocket = run + ".qmp",
            ConsoleSocket = run + ".console",
            PidFile = run + ".pid",
            ConsoleLog = Path.Combine(dir, "console.log"),
            QemuLog = Path.Combine(dir, "qemu.log"),
            QmpLog = Path.Combine(dir, "qmp.log"),
        };
    }
}
