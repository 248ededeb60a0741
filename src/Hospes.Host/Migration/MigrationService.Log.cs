using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

internal sealed partial class MigrationService
{
    [LoggerMessage(EventId = LogEvents.MigrationIncoming, Level = LogLevel.Information, Message = "{Name}: incoming migration {Id} from {Peer}, stream port {Port}")]
    private partial void LogIncoming(string name, string peer, string id, int port);

    [LoggerMessage(EventId = LogEvents.MigrationArrived, Level = LogLevel.Information, Message = "{Name}: migrated here from {Peer}")]
    private partial void LogArrived(string name, string peer);

    [LoggerMessage(EventId = LogEvents.MigrationIncomingAborted, Level = LogLevel.Warning, Message = "{Name}: incoming migration from {Peer} dropped: {Why}")]
    private partial void LogIncomingAborted(string name, string peer, string why);

    [LoggerMessage(EventId = LogEvents.MigrationFailed, Level = LogLevel.Warning, Message = "{Name}: migration to {Peer} failed: {Why}")]
    private partial void LogMigrationFailed(string name, string peer, string why);
}
