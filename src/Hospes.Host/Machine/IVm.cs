using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Machine;

/// <summary>
/// One VM as the rest of the host sees it: what it is (its record), whether a QEMU runs for it, and its queue, through
/// which every change to it goes as a typed command.
/// </summary>
internal interface IVm
{
    /// <summary>A consistent snapshot of the VM's record, readable from any thread.</summary>
    VmRecord Record { get; }

    /// <summary>The pid of its QEMU, or null while it has none.</summary>
    int? Pid { get; }

    /// <summary>Its QEMU's monitor, for reads outside the queue (sampling); null while it has no QEMU.</summary>
    IQmp? Qmp { get; }

    IReadOnlyList<int> VcpuThreads { get; }

    /// <summary>Everything the guest wrote on its console, across runs (QEMU appends to the log).</summary>
    string ConsoleLogPath { get; }

    /// <summary>Runs <paramref name="command"/> in the VM's queue, after <see cref="Core.Vms.VmTransitions"/> allowed it.</summary>
    Task<Result<T>> RunAsync<T>(IVmCommand<T> command, CancellationToken ct = default);
}
