using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;
using Hospes.Storage.Images;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>What every VM actor shares: the host's state, QEMU, images, clock and log.</summary>
internal sealed record VmContext(HostOptions Options, StateDb Db, HostRuntime Runtime, ImageStore Images, TimeProvider Time, ILoggerFactory Logs, NetworkService Networks, SshKey Ssh, MemoryService Memory, IQemuLauncher Launcher)
{
    public string VmDir(Guid uuid) => Path.Combine(Options.VmsDir, uuid.ToString());

    public VmRuntimePaths Paths(Guid uuid)
    {
        string dir = VmDir(uuid);

        // Unix socket paths are limited to 107 bytes: sockets go to the (short) run dir, named by a uuid prefix.
        string run = Path.Combine(Options.EffectiveRunDir, uuid.ToString("N")[..12]);
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
