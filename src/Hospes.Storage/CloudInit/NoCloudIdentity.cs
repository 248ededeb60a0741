namespace Hospes.Storage.CloudInit;

/// <summary>What makes one clone of a template itself: its instance id, hostname, root's ssh keys and maybe a fixed address.</summary>
public sealed record NoCloudIdentity
{
    /// <summary>Changes whenever the seed should be applied again (a new clone); the guest applies each id once.</summary>
    public required string InstanceId { get; init; }

    public required string Hostname { get; init; }

    /// <summary>OpenSSH public key lines for root's authorized_keys.</summary>
    public IReadOnlyList<string> SshAuthorizedKeys { get; init; } = [];

    /// <summary>The guest's SSH host key, made by Hospes so that `hospes ssh` can check it; null lets the guest make its own.</summary>
    public NoCloudHostKey? SshHostKey { get; init; }

    /// <summary>A static address for the first ethernet NIC; null keeps DHCP.</summary>
    public NoCloudStaticNetwork? Network { get; init; }
}

/// <summary>An ed25519 SSH host key: the private key as ssh-keygen writes it (OpenSSH format, no passphrase) and its public line.</summary>
public sealed record NoCloudHostKey(string PrivateKey, string PublicKey);
