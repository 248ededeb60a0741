using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

internal sealed partial class EtcdMember
{
    [LoggerMessage(EventId = LogEvents.EtcdStarted, Level = LogLevel.Information, Message = "etcd started (pid {Pid}), clients at {ClientUrl}")]
    private partial void LogStarted(int pid, string clientUrl);

    [LoggerMessage(EventId = LogEvents.EtcdAdopted, Level = LogLevel.Information, Message = "etcd already runs (pid {Pid}); watching it")]
    private partial void LogAdopted(int pid);

    [LoggerMessage(EventId = LogEvents.EtcdDied, Level = LogLevel.Warning, Message = "etcd (pid {Pid}) is gone; starting it again (its log: {Log})")]
    private partial void LogDied(int pid, string log);

    [LoggerMessage(EventId = LogEvents.EtcdStopped, Level = LogLevel.Information, Message = "etcd (pid {Pid}) stopped")]
    private partial void LogStopped(int pid);

    [LoggerMessage(EventId = LogEvents.EtcdWatchFailed, Level = LogLevel.Error, Message = "etcd is no longer watched: {Why}")]
    private partial void LogWatchFailed(string why);

    [LoggerMessage(EventId = LogEvents.EtcdRestartedForCrl, Level = LogLevel.Warning, Message = "etcd (pid {Pid}) runs without the cluster's revocation list (an older hospes started it): starting it again with it")]
    private partial void LogRestartedForCrl(int pid);
}
