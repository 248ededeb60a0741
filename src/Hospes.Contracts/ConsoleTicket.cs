namespace Hospes.Contracts;

/// <summary>
/// A one-time console ticket: a console or display WebSocket opened with the web UI's session cookie carries it as
/// ?ticket= (one socket, this caller, this VM, until <see cref="ExpiresAt"/>, 30 s).
/// </summary>
public sealed record ConsoleTicket
{
    public required string Ticket { get; init; }
    public required string Vm { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}
