using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster.Access;

internal sealed partial class ClusterAccess
{
    [LoggerMessage(EventId = LogEvents.ClusterAccessTaken, Level = LogLevel.Information, Message = "access data: took the cluster's copy, version {Version} (written by {Writer}), {How}")]
    private partial void LogTaken(long version, string writer, string how);

    [LoggerMessage(EventId = LogEvents.ClusterAccessPublished, Level = LogLevel.Information, Message = "access data: this host's change is the cluster's version {Version}")]
    private partial void LogPublished(long version);

    [LoggerMessage(EventId = LogEvents.ClusterAccessProjectKept, Level = LogLevel.Warning, Message = "access data: project {Project} is not in the cluster's copy but this host still has things in it, so it stays here")]
    private partial void LogProjectKept(string project);

    [LoggerMessage(EventId = LogEvents.ClusterAccessStoreFailed, Level = LogLevel.Warning, Message = "access data: cannot read the cluster's copy (this host keeps the one it has): {Why}")]
    private partial void LogStoreFailed(string why);

    [LoggerMessage(EventId = LogEvents.ClusterAccessUnreadable, Level = LogLevel.Warning, Message = "access data: etcd key {Key} is not a copy this hospesd can read (a newer version's?); this host keeps the one it has")]
    private partial void LogUnreadable(string key);
}
