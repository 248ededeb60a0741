using System.Reflection;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Qemu.Host;

namespace Hospes.Host.Edge;

internal static class HostInfoFactory
{
    public static async Task<HostInfo> CreateAsync(HospesHost host)
    {
        Result<QemuBinary> qemu = await host.Runtime.QemuAsync().ConfigureAwait(false);
        AccelDecision? accel = await host.Runtime.AccelAsync().ConfigureAwait(false);
        (long total, long available) = HostMachine.Memory();
        var vms = host.Vms.All;
        return new HostInfo
        {
            Hostname = Environment.MachineName,
            HospesVersion = typeof(HostInfoFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev",
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
            StateDir = host.Options.StateDir,
        };
    }
}
