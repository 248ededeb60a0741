namespace Hospes.Contracts;

/// <summary>The member's yes to a joining host: the cluster, its CA with key, and how its etcd member starts.</summary>
public sealed record PeerClusterJoinResponse
{
    public required string Cluster { get; init; }

    public required string CaCertificate { get; init; }

    public required string CaKey { get; init; }

    /// <summary>etcd's --initial-cluster for the new member.</summary>
    public required string InitialCluster { get; init; }

    public IReadOnlyList<string> Endpoints { get; init; } = [];

    public bool Learner { get; init; }

    /// <summary>The cluster uses an etcd its admin runs: no member to start; <see cref="Endpoints"/> are its URLs.</summary>
    public bool External { get; init; }

    /// <summary>That etcd's CA (PEM), when the cluster was made with one.</summary>
    public string? EtcdCa { get; init; }

    /// <summary>The client certificate (PEM) the cluster's hosts present to that etcd.</summary>
    public string? EtcdCert { get; init; }

    /// <summary>Its private key (PEM): this answer goes only over the trusted hosts' mutual TLS, as the CA key does.</summary>
    public string? EtcdKey { get; init; }

    /// <summary>The cluster's guest SSH private key (OpenSSH format), which `hospes ssh` uses on every member; as secret as the CA key.</summary>
    public string? SshKey { get; init; }

    /// <summary>Its public line ("ssh-ed25519 BASE64 hospes"), which every member's guests get.</summary>
    public string? SshPublicKey { get; init; }
}
