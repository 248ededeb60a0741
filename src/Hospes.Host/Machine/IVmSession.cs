using Hospes.Core.Errors;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Machine;

/// <summary>What a command may do to its VM while it runs in the VM's queue (and only then).</summary>
internal interface IVmSession
{
    VmRecord Record { get; }

    /// <summary>The VM's QEMU monitor; null while it has no QEMU.</summary>
    IQmp? Qmp { get; }

    TimeProvider Time { get; }

    /// <summary>Persists a new record and wakes everyone waiting for a change; returns it.</summary>
    VmRecord Commit(VmRecord record);

    /// <summary>": LAST LINE" of QEMU's log (what it said before it went), or "".</summary>
    string QemuLogTail();
}
