using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Ha;

internal sealed partial class HaService
{
    [LoggerMessage(EventId = LogEvents.HaLeader, Level = LogLevel.Information, Message = "{Host} is the cluster's leader now (HA and placement)")]
    private partial void LogLeader(string host);

    [LoggerMessage(EventId = LogEvents.HaLeaderLost, Level = LogLevel.Warning, Message = "no longer the cluster's leader (etcd unacknowledged for {Seconds:0.0} s; 0: another host holds the key)")]
    private partial void LogLeaderLost(double seconds);

    [LoggerMessage(EventId = LogEvents.HaFenced, Level = LogLevel.Warning, Message = "fenced HA VM {Vm}: its QEMU (pid {Pid}) killed, etcd has not acknowledged this host's lease for {Seconds:0.0} s")]
    private partial void LogFenced(string vm, int pid, double seconds);

    [LoggerMessage(EventId = LogEvents.HaMoved, Level = LogLevel.Warning, Message = "host {Dead} is dead ({Why}; dead for {Seconds:0.0} s): HA VM {Vm} moved to {Target}")]
    private partial void LogMoved(string vm, string dead, string target, string why, double seconds);

    [LoggerMessage(EventId = LogEvents.HaLeaderTaken, Level = LogLevel.Warning, Message = "took the cluster's leadership from {Holder}: its heartbeat unchanged for {Seconds:0.0} s (it fenced itself before that)")]
    private partial void LogLeaderTaken(string holder, double seconds);

    [LoggerMessage(EventId = LogEvents.HaNoTarget, Level = LogLevel.Warning, Message = "HA VM {Vm} of dead host {Dead} waits: no up host has {MemoryMib} MiB free")]
    private partial void LogNoTarget(string vm, string dead, int memoryMib);

    [LoggerMessage(EventId = LogEvents.HaStarted, Level = LogLevel.Warning, Message = "HA VM {Vm} of dead host {Dead} started here")]
    private partial void LogStarted(string vm, string dead);

    [LoggerMessage(EventId = LogEvents.HaFailed, Level = LogLevel.Error, Message = "HA VM {Vm} could not start here (try {Try}): {Why}")]
    private partial void LogFailed(string vm, int @try, string why);

    [LoggerMessage(EventId = LogEvents.HaDropped, Level = LogLevel.Warning, Message = "HA VM {Vm} runs on {Owner} now: its fenced copy here is removed")]
    private partial void LogDropped(string vm, string owner);

    [LoggerMessage(EventId = LogEvents.HaRestartedHere, Level = LogLevel.Warning, Message = "HA VM {Vm} is still this host's after etcd came back: {Outcome}")]
    private partial void LogRestartedHere(string vm, string outcome);

    [LoggerMessage(EventId = LogEvents.HaStoreFailed, Level = LogLevel.Warning, Message = "HA: {Why}")]
    private partial void LogStoreFailed(string why);

    [LoggerMessage(EventId = LogEvents.HaFrozen, Level = LogLevel.Warning, Message = "hospesd stops while HA VMs {Vms} run here: host marked frozen in etcd, the leader moves none of them")]
    private partial void LogFrozen(string vms);

    [LoggerMessage(EventId = LogEvents.HaFreezeFailed, Level = LogLevel.Error, Message = "hospesd stops and could not mark the host frozen ({Why}): HA VM {Vm}'s QEMU (pid {Pid}) killed")]
    private partial void LogFreezeFailed(string vm, int pid, string why);

    [LoggerMessage(EventId = LogEvents.HaThawed, Level = LogLevel.Information, Message = "hospesd is back: this host's HA freeze mark is removed")]
    private partial void LogThawed();

    [LoggerMessage(EventId = LogEvents.HaFrozenHost, Level = LogLevel.Warning, Message = "host {Host} is down but frozen (its hospesd stopped cleanly, its HA VMs' QEMUs run on there): its HA VMs are not moved")]
    private partial void LogFrozenHost(string host);

    [LoggerMessage(EventId = LogEvents.HaGuardFenced, Level = LogLevel.Warning, Message = "fenced HA VM {Vm} by the fence guard: its QEMU (pid {Pid}) killed {Seconds:0.0} s past the deadline hospesd did not renew")]
    private partial void LogGuardFenced(string vm, int pid, double seconds);
}
