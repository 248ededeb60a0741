namespace Hospes.Contracts;

/// <summary>One vCPU of a VM, as `xl vcpu-list` shows it.</summary>
public sealed record VcpuInfo
{
    public required string Name { get; init; }

    /// <summary>The domain id while QEMU runs.</summary>
    public int? Id { get; init; }
    public int Vcpu { get; init; }

    /// <summary>The host CPU its thread last ran on; null while the VM does not run.</summary>
    public int? Cpu { get; init; }

    /// <summary>xl's letters: "r--" running, "-b-" blocked, "--p" paused, "---" not running.</summary>
    public required string State { get; init; }
    public double TimeS { get; init; }

    /// <summary>The host CPUs it may run on (a cpulist), or "all".</summary>
    public required string Affinity { get; init; }
}

/// <summary>`hospes vcpu-set`: how many vCPUs the VM has (up to its maxvcpus).</summary>
public sealed record VcpuSetRequest
{
    public int Count { get; init; }
}

/// <summary>`hospes vcpu-pin`: which vCPU (null: all) may run on which host CPUs ("0-1,3" or "all").</summary>
public sealed record VcpuPinRequest
{
    public int? Vcpu { get; init; }
    public required string Cpus { get; init; }
}
