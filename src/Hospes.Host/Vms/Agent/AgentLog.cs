using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = LogEvents.AgentKeepFailed, Level = LogLevel.Warning, Message = "a pass over the VMs' guest agent connections failed; the next one tries again")]
    public static partial void KeepFailed(ILogger log, Exception e);

    [LoggerMessage(EventId = LogEvents.AgentLinkOpened, Level = LogLevel.Debug, Message = "{Name}: guest agent connection opened, kept while its QEMU runs")]
    public static partial void Opened(ILogger log, string name);

    [LoggerMessage(EventId = LogEvents.AgentLinkClosed, Level = LogLevel.Debug, Message = "{Name}: guest agent connection closed: its QEMU is gone")]
    public static partial void Closed(ILogger log, string name);
}
