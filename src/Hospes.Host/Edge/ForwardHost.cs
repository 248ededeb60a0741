namespace Hospes.Host.Edge;

/// <summary>A member host a request goes to: its name, where its hospesd listens, its pinned certificate; or this host.</summary>
public sealed record ForwardHost(string Name, string Address, string Fingerprint, bool IsLocal = false);
