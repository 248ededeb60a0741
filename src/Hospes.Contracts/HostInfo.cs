namespace Hospes.Contracts;

/// <summary>`hospes host info`: what this host runs and why.</summary>
public sealed record HostInfo
{
    public required string Hostname { get; init; }
    public required string HospesVersion { get; init; }
    public required string Kernel { get; init; }
    public string? QemuPath { get; init; }
    public string? QemuVersion { get; init; }

    /// <summary>Set when QEMU is missing or too old; VMs cannot start until it is fixed.</summary>
    public string? QemuProblem { get; init; }
    public string? Accelerator { get; init; }
    public string? AcceleratorReason { get; init; }
    public bool KvmDevicePresent { get; init; }
    public double? KvmProbeS { get; init; }
    public double? TcgProbeS { get; init; }
    public int Cpus { get; init; }
    public string CpuModel { get; init; } = "";
    public long MemoryTotalMib { get; init; }
    public long MemoryAvailableMib { get; init; }
    public int VmsDefined { get; init; }
    public int VmsRunning { get; init; }
    public required string StateDir { get; init; }
}
