using Hospes.Host.Machine;
using Hospes.Network;
using Hospes.Qemu.Launch;
using Hospes.Storage.QemuImg;

namespace Hospes.Host;

/// <summary>
/// Where the host meets the machine: QEMU, the network host, qemu-img, the QEMU binary and accelerator. Null is the
/// real one; tests give fakes (tests/Hospes.Testing/Fakes), so the host runs without a single QEMU.
/// </summary>
internal sealed record MachineParts
{
    public IQemuLauncher? Launcher { get; init; }

    public INetworkHost? Network { get; init; }

    public IQemuImg? QemuImg { get; init; }

    public HostRuntime? Runtime { get; init; }
}
