using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

internal sealed partial class IncomingMigrations
{
    [LoggerMessage(EventId = LogEvents.MigrationIncoming, Level = LogLevel.Information, Message = "{Name}: incoming migration {Id} from {Peer}, stream port {Port}")]
    private static partial void LogIncoming(ILogger log, string name, string peer, string id, int port);

    [LoggerMessage(EventId = LogEvents.MigrationArrived, Level = LogLevel.Information, Message = "{Name}: migrated here from {Peer}")]
    private static partial void LogArrived(ILogger log, string name, string peer);

    [LoggerMessage(EventId = LogEvents.MigrationIncomingAborted, Level = LogLevel.Warning, Message = "{Name}: incoming migration from {Peer} dropped: {Why}")]
    private static partial void LogIncomingAborted(ILogger log, string name, string peer, string why);
}
