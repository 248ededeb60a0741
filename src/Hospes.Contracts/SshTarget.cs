namespace Hospes.Contracts;

/// <summary>How `hospes ssh` reaches a guest: through hospesd's TCP relay, with the key hospesd put into the guest.</summary>
public sealed record SshTarget
{
    public required string Vm { get; init; }
    public required string Ip { get; init; }
    public int Port { get; init; } = 22;
    public required string User { get; init; }

    /// <summary>The private key on the host running hospesd (readable by root).</summary>
    public required string KeyPath { get; init; }
}
