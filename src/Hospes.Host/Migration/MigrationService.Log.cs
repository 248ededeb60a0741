using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

internal sealed partial class MigrationService
{
    [LoggerMessage(EventId = LogEvents.MigrationFailed, Level = LogLevel.Warning, Message = "{Name}: migration to {Peer} failed: {Why}")]
    private static partial void LogMigrationFailed(ILogger log, string name, string peer, string why);
}
