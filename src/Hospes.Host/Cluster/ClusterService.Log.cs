using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    [LoggerMessage(EventId = LogEvents.ClusterStarted, Level = LogLevel.Information, Message = "member of cluster {Cluster}; etcd at {ClientUrl}")]
    private partial void LogStarted(string cluster, string clientUrl);

    [LoggerMessage(EventId = LogEvents.ClusterJoined, Level = LogLevel.Information, Message = "now a member of cluster {Cluster} (etcd at {ClientUrl}, {State})")]
    private partial void LogJoined(string cluster, string clientUrl, string state);

    [LoggerMessage(EventId = LogEvents.ClusterMemberAdded, Level = LogLevel.Information, Message = "host {Host} joins the cluster: etcd member at {PeerUrl} added as a {Role}")]
    private partial void LogMemberAdded(string host, string peerUrl, string role);

    [LoggerMessage(EventId = LogEvents.ClusterLeft, Level = LogLevel.Information, Message = "left cluster {Cluster}; etcd stopped")]
    private partial void LogLeft(string cluster);

    [LoggerMessage(EventId = LogEvents.ClusterMemberRemoved, Level = LogLevel.Information, Message = "host {Host} removed from the cluster")]
    private partial void LogMemberRemoved(string host);

    [LoggerMessage(EventId = LogEvents.ClusterStoreFailed, Level = LogLevel.Warning, Message = "the cluster claim of deleted VM {Vm} stays (it is this host's and is taken again): {Why}")]
    private partial void LogReleaseFailed(string vm, string why);

    [LoggerMessage(EventId = LogEvents.ClusterLearnerPromoted, Level = LogLevel.Information, Message = "etcd learner of host {Host} promoted to voter ({Why})")]
    private partial void LogPromoted(string host, string why);

    [LoggerMessage(EventId = LogEvents.ClusterPromoteFailed, Level = LogLevel.Warning, Message = "etcd learner of host {Host} not promoted: {Why}; the leader tries again")]
    private partial void LogPromoteFailed(string host, string why);

    [LoggerMessage(EventId = LogEvents.ClusterSshKeyTaken, Level = LogLevel.Information, Message = "the guest SSH key of cluster {Cluster} ({Fingerprint}) is this host's now; its own is kept as a second identity for its older guests")]
    private partial void LogSshKeyTaken(string cluster, string fingerprint);

    [LoggerMessage(EventId = LogEvents.ClusterSshKeyKept, Level = LogLevel.Warning, Message = "this host keeps its own guest SSH key in cluster {Cluster}: {Why}; `hospes ssh` through another member fails for its guests until they trust that member's key")]
    private partial void LogSshKeyKept(string cluster, string why);

    [LoggerMessage(EventId = LogEvents.ClusterJoinEtcdRemoved, Level = LogLevel.Information, Message = "the join of cluster {Cluster} was refused after this host's etcd member ({PeerUrl}) was added; it is removed again")]
    private partial void LogJoinEtcdRemoved(string cluster, string peerUrl);

    [LoggerMessage(EventId = LogEvents.ClusterJoinEtcdLeft, Level = LogLevel.Warning, Message = "the join of cluster {Cluster} was refused, and this host's etcd member ({PeerUrl}) could not be removed again: {Why}; `etcdctl member remove` on a member removes it")]
    private partial void LogJoinEtcdLeft(string cluster, string peerUrl, string why);
}
