namespace Hospes.Host.Network;

/// <summary>How `hospes ssh` reaches a guest: its address (through hospesd's TCP relay) and the key hospesd put into it.</summary>
internal sealed record SshAccess(string Vm, string Ip, string User, string KeyPath);
