using Hospes.Qemu.CommandLine;

namespace Hospes.Host.Settings;

/// <summary>Where a VM's files are: its folder in the state dir, and its sockets in the (short) run dir.</summary>
internal sealed class VmLayout(HostOptions options)
{
    public HostOptions Options => options;

    public string VmDir(Guid uuid) => Path.Combine(options.VmsDir, uuid.ToString());

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
