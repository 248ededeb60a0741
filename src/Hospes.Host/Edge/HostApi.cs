using System.Reflection;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.Vms;
using Hospes.Qemu.Host;

namespace Hospes.Host.Edge;

/// <summary>`hospes host info`: this host, its QEMU and accelerator, its VMs in numbers.</summary>
public sealed class HostApi
{
    private readonly HostOptions _options;
    private readonly HostRuntime _runtime;
    private readonly VmManager _vms;

    internal HostApi(HostOptions options, HostRuntime runtime, VmManager vms)
    {
        _options = options;
        _runtime = runtime;
        _vms = vms;
    }

    public async Task<HostInfo> InfoAsync()
    {
        Result<QemuBinary> qemu = await _runtime.QemuAsync().ConfigureAwait(false);
        AccelDecision? accel = await _runtime.AccelAsync().ConfigureAwait(false);
        (long total, long available) = HostMachine.Memory();
        var vms = _vms.All;
        return new HostInfo
        {
            Hostname = Environment.MachineName,
            HospesVersion = typeof(HostApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev",
            Kernel = HostMachine.KernelRelease(),
            QemuPath = qemu.IsOk ? qemu.Value.Path : null,
            QemuVersion = qemu.IsOk ? qemu.Value.Version.ToString() : null,
            QemuProblem = qemu.IsOk ? null : qemu.Error.Message,
            Accelerator = accel?.Chosen.ToString().ToLowerInvariant(),
            AcceleratorReason = accel?.Reason,
            KvmDevicePresent = File.Exists("/dev/kvm"),
            KvmProbeS = accel?.KvmProbeSeconds,
            TcgProbeS = accel?.TcgProbeSeconds,
            Cpus = HostMachine.CpuCount,
            CpuModel = HostMachine.CpuModel(),
            MemoryTotalMib = total,
            MemoryAvailableMib = available,
            VmsDefined = vms.Count,
            VmsRunning = vms.Count(a => a.Record.State is VmState.Running or VmState.Paused),
            StateDir = _options.StateDir,
        };
    }
}
