namespace Hospes.Contracts;

/// <summary>`hospes host add NAME ADDRESS --token T`: trust the host at ADDRESS, which printed T.</summary>
public sealed record HostAddRequest
{
    /// <summary>What this host calls the other one.</summary>
    public required string Name { get; init; }

    /// <summary>HOST:PORT of its hospesd's --listen, e.g. 10.0.0.2:8443 or [2001:db8::2]:8443.</summary>
    public required string Address { get; init; }

    public required string Token { get; init; }
}
