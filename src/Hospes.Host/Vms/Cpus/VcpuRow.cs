namespace Hospes.Host.Vms.Cpus;

/// <summary>One vCPU as `hospes vcpu-list` shows it (xl's columns).</summary>
/// <param name="Cpu">The host CPU its thread last ran on; null when QEMU does not run.</param>
/// <param name="State">xl's letters: "r--" running, "-b-" blocked, "--p" paused, "---" not running.</param>
/// <param name="Affinity">The host CPUs its thread may use, "all" when every one.</param>
internal sealed record VcpuRow(string Vm, int? DomId, int Vcpu, int? Cpu, string State, double CpuSeconds, string Affinity);
