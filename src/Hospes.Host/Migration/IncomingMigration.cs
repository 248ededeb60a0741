using Hospes.Host.Vms;

namespace Hospes.Host.Migration;

/// <summary>A VM this host is receiving: defined, its QEMU waiting for the stream, until finish or abort.</summary>
internal sealed record IncomingMigration(string Id, VmActor Actor, IncomingQemu Qemu, string FromPeer, DateTimeOffset PreparedAt, bool Postcopy)
{
    private const int Waiting = 0, Finishing = 1, Aborting = 2;
    private int _state;

    /// <summary>
    /// The switch-over begins (at most once): from here the guest may run on this host, so only the finish's own
    /// outcome may drop the VM, never an abort from the source or the watchdog.
    /// </summary>
    public bool TryBeginFinish() => Interlocked.CompareExchange(ref _state, Finishing, Waiting) == Waiting;

    /// <summary>An abort may drop the VM: nothing has begun to continue the guest here.</summary>
    public bool TryBeginAbort() => Interlocked.CompareExchange(ref _state, Aborting, Waiting) == Waiting;

    public bool IsFinishing => Volatile.Read(ref _state) == Finishing;
}
