using System.Text.Json;
using Hospes.Core.Files;
using Hospes.Core.Json;

namespace Hospes.Host.Cluster;

/// <summary>
/// What a member host knows of its cluster, in `&lt;state&gt;/cluster/cluster.json` (a host without the file is in no
/// cluster): the cluster's name, how its own etcd member starts, and where the cluster's etcd answers.
/// </summary>
internal sealed record ClusterConfig
{
    public required string Name { get; init; }

    /// <summary>This host's name, its etcd member's name.</summary>
    public required string Member { get; init; }

    public required string PeerUrl { get; init; }

    public required string ClientUrl { get; init; }

    /// <summary>etcd's --initial-cluster at the member's first start (ignored after: the data dir knows).</summary>
    public required string InitialCluster { get; init; }

    /// <summary>"new" for the host that made the cluster, "existing" for one that joined.</summary>
    public required string InitialState { get; init; }

    /// <summary>Client URLs of the cluster's etcd, this host's own first.</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    public bool Learner { get; init; }

    /// <summary>The cluster uses an etcd its admin runs (init --etcd): no member of its own here, PeerUrl empty.</summary>
    public bool External { get; init; }

    public DateTimeOffset JoinedAt { get; init; }

    public static ClusterConfig? Load(ClusterFiles files) =>
        File.Exists(files.Config) ? JsonSerializer.Deserialize<ClusterConfig>(File.ReadAllBytes(files.Config), HospesJson.Options) : null;

    public void Save(ClusterFiles files)
    {
        string partial = files.Config + ".partial";
        File.WriteAllBytes(partial, JsonSerializer.SerializeToUtf8Bytes(this, HospesJson.Options));
        DurableFiles.MoveFile(partial, files.Config, overwrite: true);
    }
}
