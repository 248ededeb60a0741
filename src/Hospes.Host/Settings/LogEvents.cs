namespace Hospes.Host.Settings;

/// <summary>Stable event ids of hospesd's log, in one place.</summary>
internal static class LogEvents
{
    public const int VmStarted = 100;
    public const int VmStopped = 101;
    public const int VmCrashed = 102;
    public const int VmLifecycleAction = 103;
    public const int VmReattached = 104;
    public const int VmSaved = 105;
    public const int VmRestored = 106;
    public const int VmCommandFailed = 107;
    public const int VmGuestReset = 108;
    public const int VmBalloonUnresponsive = 109;
    public const int VmMigrated = 110;
    public const int VmAnnounceFailed = 111;
    public const int VmSwitchover = 112;
    public const int VmLogRotated = 113;
    public const int VmEventsNotLogged = 114;
    public const int VmLogCapFailed = 115;
    public const int VmNoHostKey = 120;
    public const int VmNoCpuCgroup = 121;
    // A guest whose QEMU cannot reset in place (a fork's holds no kernel; reboot=shutdown) boots again in a new QEMU (issue 16).
    public const int VmBootsInNewQemu = 956;
    public const int ReconcileDone = 200;
    public const int MemoryPolicyAction = 300;
    public const int MemoryKsm = 301;
    public const int MemoryAdmission = 302;
    public const int PeerTokenCreated = 400;
    public const int PeerAdded = 401;
    public const int PeerJoined = 402;
    public const int PeerRemoved = 403;
    public const int PeerRefused = 404;
    public const int MigrationIncoming = 500;
    public const int MigrationArrived = 501;
    public const int MigrationIncomingAborted = 502;
    public const int MigrationFailed = 503;
    public const int MigrationTlsCleanupFailed = 504;
    public const int MigrationSettled = 505;
    public const int MigrationPortsNotRemoved = 506;

    // xl's commands (issue 18, session 8).
    public const int VmRenamed = 600;

    // Forks (issue 16).
    public const int Forked = 760;
    public const int ForkChildFailed = 761;
    public const int ForkRamDeleted = 762;
    public const int ForkSettled = 763;
    public const int ForkSweepFailed = 764;
    public const int ForkIdentityFailed = 765;
    public const int ForkBaseDeleted = 766;
    public const int ForkOwnMemory = 780;

    // The guest agents' kept connections (issue 16: an agent port with no client costs the guest CPU).
    public const int AgentKeepFailed = 770;
    public const int AgentLinkOpened = 771;
    public const int AgentLinkClosed = 772;
    public const int ForkIdentityTook = 773;
    public const int ForkChildrenDefined = 774;
    public const int ForkClockSet = 781;
    public const int ForkClockFailed = 782;

    // Cluster (issue 17).
    public const int EtcdStarted = 800;
    public const int EtcdAdopted = 801;
    public const int EtcdDied = 802;
    public const int EtcdStopped = 803;
    public const int EtcdWatchFailed = 804;
    public const int ClusterInitialized = 810;
    public const int ClusterJoined = 811;
    public const int ClusterMemberAdded = 812;
    public const int ClusterLeft = 813;
    public const int ClusterMemberRemoved = 814;
    public const int ClusterLeaseLost = 815;
    public const int ClusterStoreFailed = 816;
    public const int ClusterMemberGone = 818;
    public const int ClusterStarted = 817;
    public const int ClusterForwarded = 820;
    public const int ClusterForwardRefused = 821;
    public const int ClusterPlaced = 822;
    public const int ClusterListPartial = 823;
    // The cluster-wide event stream (GET /v1/events?cluster=true): a member's stream lost, and followed again.
    public const int ClusterEventsLost = 937;
    public const int ClusterEventsBack = 938;

    // Cluster etcd: learners promoted (issue 17).
    public const int ClusterLearnerPromoted = 900;
    public const int ClusterPromoteFailed = 901;
    // Clones spread over a cluster's hosts (issue 17).
    public const int ClusterClonesPlanned = 890;
    public const int ClusterTemplateCopied = 891;
    public const int ClusterTemplateReceived = 892;
    public const int ClusterTemplateCopyFailed = 893;
    // A template's copies on the other members: replaced when stale, deleted with their home's template (issue 17).
    public const int ClusterTemplateCopiesDeleted = 930;
    public const int ClusterTemplateCopyKept = 931;
    // The cluster's guest SSH key: taken by a joining host, or its own kept (issue 17).
    public const int ClusterSshKeyTaken = 945;
    public const int ClusterSshKeyKept = 946;
    // That key added to the running guests through their agents (at the join, at a migration's arrival), or why not.
    public const int GuestSshKeyAdded = 957;
    public const int GuestSshKeyNotAdded = 958;
    public const int GuestSshKeyPushFailed = 959;
    // A removed host's certificates revoked: refused on the peer channel, revoked, the CRL handed to etcd, a revocation that failed (issue 17).
    public const int ClusterPeerRevoked = 947;
    public const int ClusterHostRevoked = 948;
    public const int ClusterCrlWritten = 949;
    public const int ClusterCrlRefused = 954;
    public const int ClusterCrlNotWritten = 955;
    public const int ClusterRevokeFailed = 950;
    public const int EtcdRestartedForCrl = 951;
    // A copy checked with its home: refreshed before a clone run, used while the home is down, dropped when the home deleted it.
    public const int ClusterTemplateCopyRefreshed = 940;
    public const int ClusterTemplateHomeDown = 941;
    public const int ClusterTemplateOrphanDropped = 942;
    public const int ClusterTemplateOrphanKept = 943;
    public const int ClusterTemplateSweepFailed = 944;

    // HA (issue 17, part 2).
    public const int HaLeader = 840;
    public const int HaLeaderLost = 841;
    public const int HaFenced = 842;
    public const int HaMoved = 844;
    public const int HaNoTarget = 845;
    public const int HaStarted = 846;
    public const int HaFailed = 847;
    public const int HaDropped = 848;
    public const int HaRestartedHere = 849;
    public const int HaStoreFailed = 850;
    public const int HaFrozen = 856;
    public const int HaFreezeFailed = 857;
    public const int HaThawed = 858;
    public const int HaFrozenHost = 859;
    public const int HaLeaderTaken = 925;

    // The fence guard (issue 17): a process of its own that kills the HA QEMUs when hospesd does not renew its deadline.
    public const int FenceGuardStarted = 910;
    public const int FenceGuardTrouble = 911;
    public const int HaGuardFenced = 912;
    public const int FenceGuardStoodDown = 913;

    // Cluster operations: ownership moves, evacuation (issue 17, part 2).
    public const int ClusterClaimMoved = 870;
    public const int ClusterClaimMoveBackFailed = 871;
    public const int HostEvacuating = 872;
    public const int HostEvacuatedVm = 873;
    public const int HostEvacuateVmFailed = 874;
    public const int HostEvacuated = 875;
    public const int HostRestored = 876;
    public const int HostRestoreStartFailed = 877;

    // Cluster-wide access data (issue 17).
    public const int ClusterAccessTaken = 880;
    public const int ClusterAccessPublished = 881;
    public const int ClusterAccessProjectKept = 882;
    public const int ClusterAccessStoreFailed = 883;
    public const int ClusterAccessUnreadable = 884;

    // Projects' VM limits over a cluster (issue 17).
    public const int ClusterProjectRefused = 915;
    public const int ClusterProjectUsageUnknown = 916;

    // Projects' memory and vCPU limits over a cluster (issue 17).
    public const int ClusterUseRefused = 932;
    public const int ClusterUseSynced = 933;
    public const int ClusterUseSyncFailed = 934;
    public const int ClusterUseUnknown = 935;
    public const int ClusterJoinOverLimits = 936;

    // A refused join's own etcd member, removed again (session 12).
    public const int ClusterJoinEtcdRemoved = 952;
    public const int ClusterJoinEtcdLeft = 953;
}
