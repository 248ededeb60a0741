using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Tests.Machine;

/// <summary>A VM as the resources see it through <see cref="IVmDirectory"/>: a record and maybe a pid, no queue behind it.</summary>
internal sealed class StubVm(VmSpec spec, int? pid = null) : IVm
{
    public VmRecord Record { get; set; } = new() { Spec = spec, State = pid is null ? VmState.Shutoff : VmState.Running, Pid = pid };

    public int? Pid { get; set; } = pid;

    public IQmp? Qmp => null;

    public IReadOnlyList<int> VcpuThreads => [];

    public string ConsoleLogPath => "/dev/null";

    public Task<Result<T>> RunAsync<T>(IVmCommand<T> command, CancellationToken ct = default) =>
        throw new NotSupportedException("a stub VM has no queue; use the VM floor (tests/Vms/VmFloor) to run commands");
}
