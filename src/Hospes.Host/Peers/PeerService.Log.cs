using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Peers;

internal sealed partial class PeerService
{
    [LoggerMessage(EventId = LogEvents.PeerTokenCreated, Level = LogLevel.Information, Message = "join token created, valid until {ExpiresAt:O}")]
    private partial void LogTokenCreated(DateTimeOffset expiresAt);

    [LoggerMessage(EventId = LogEvents.PeerAdded, Level = LogLevel.Information, Message = "host {Name} at {Address} added, fingerprint {Fingerprint}")]
    private partial void LogAdded(string name, string address, string fingerprint);

    [LoggerMessage(EventId = LogEvents.PeerJoined, Level = LogLevel.Information, Message = "host {Name} ({Address}) joined with a token, fingerprint {Fingerprint}")]
    private partial void LogJoined(string name, string? address, string fingerprint);

    [LoggerMessage(EventId = LogEvents.PeerRemoved, Level = LogLevel.Information, Message = "host {Name} removed: it is no longer trusted")]
    private partial void LogRemoved(string name);

    [LoggerMessage(EventId = LogEvents.PeerRefused, Level = LogLevel.Warning, Message = "join refused ({Remote}): {Why}")]
    private partial void LogJoinRefused(string? remote, string why);
}
