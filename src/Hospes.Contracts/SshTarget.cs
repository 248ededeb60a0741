namespace Hospes.Contracts;

/// <summary>How `hospes ssh` reaches a guest: through hospesd's TCP relay, with the key hospesd put into the guest, to the host key it gave it.</summary>
public sealed record SshTarget
{
    public required string Vm { get; init; }
    public required string Ip { get; init; }
    public int Port { get; init; } = 22;
    public required string User { get; init; }

    /// <summary>The private key on the host running hospesd (readable by root): the first of <see cref="KeyPaths"/>.</summary>
    public required string KeyPath { get; init; }

    /// <summary>
    /// Every private key `hospes ssh` offers, on the host whose hospesd the CLI asked (in a cluster that host fills
    /// them in, also when the VM's owner answered): the cluster's, then the host's own from before it joined. Empty
    /// from an older hospesd: <see cref="KeyPath"/> alone.
    /// </summary>
    public IReadOnlyList<string> KeyPaths { get; init; } = [];

    /// <summary>
    /// The guest's SSH host key ("ssh-ed25519 BASE64"), made by hospesd and handed to the guest: ssh must see this one
    /// and no other. Null from a hospesd that kept no host keys.
    /// </summary>
    public string? HostKey { get; init; }
}
