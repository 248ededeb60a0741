namespace Hospes.Host.Network;

/// <summary>
/// How `hospes ssh` reaches a guest: its address (through hospesd's TCP relay), the key hospesd put into it, and the
/// host key hospesd gave it ("ssh-ed25519 BASE64"), the only one ssh may accept. <paramref name="KeyPaths"/>: every
/// key of this host's (<see cref="SshKey.IdentityPaths"/>), the current one first.
/// </summary>
internal sealed record SshAccess(string Vm, string Ip, string User, IReadOnlyList<string> KeyPaths, string HostKey);
