namespace Hospes.Host.Peers;

/// <summary>
/// A joining host proves it holds a token's secret. Its identity is the TLS client certificate it presents, not
/// anything in here.
/// </summary>
/// <param name="Secret">The token's secret, base64url.</param>
/// <param name="Name">The joining host's name, under which the answering host stores it.</param>
/// <param name="Address">Where the joining host listens for other hosts; null when it does not.</param>
internal sealed record PeerJoin(string Secret, string Name, string? Address);
