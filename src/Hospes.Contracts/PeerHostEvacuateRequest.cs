namespace Hospes.Contracts;

/// <summary>A member asks the host to evacuate (or restore) itself, for the user <see cref="By"/> who asked it.</summary>
public sealed record PeerHostEvacuateRequest
{
    public string? Mode { get; init; }

    /// <summary>Who asked, as the member that took the request saw them ("alice on host-b").</summary>
    public required string By { get; init; }
}
