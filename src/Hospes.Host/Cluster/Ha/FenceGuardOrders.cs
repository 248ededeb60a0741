namespace Hospes.Host.Cluster.Ha;

/// <summary>An HA VM's QEMU the fence guard kills past its deadline: pid and start time (field 22 of /proc/PID/stat), so a reused pid is never hit.</summary>
internal sealed record GuardedQemu(string Vm, int Pid, long Start);

/// <summary>
/// What hospesd's fence loop hands the fence guard (`&lt;state&gt;/fence-guard.json`, replaced atomically): the deadline in
/// milliseconds on CLOCK_BOOTTIME, and the HA QEMUs to kill once it has passed. An empty list stands the guard down.
/// </summary>
internal sealed record FenceGuardOrders(long DeadlineMs, IReadOnlyList<GuardedQemu> Qemus);

/// <summary>One kill by the guard, reported to hospesd (`&lt;state&gt;/fence-guard.fired`, a JSON line each).</summary>
internal sealed record GuardKill(string Vm, int Pid, long Start, long LateMs, DateTimeOffset At);
