using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Ha;

internal sealed partial class FenceGuard
{
    [LoggerMessage(EventId = LogEvents.FenceGuardStarted, Level = LogLevel.Information, Message = "fence guard {How} (pid {Pid}, log {Log})")]
    private partial void LogStarted(string how, int pid, string log);

    [LoggerMessage(EventId = LogEvents.FenceGuardTrouble, Level = LogLevel.Error, Message = "fence guard: {Why}")]
    private partial void LogTrouble(string why);

    [LoggerMessage(EventId = LogEvents.FenceGuardStoodDown, Level = LogLevel.Information, Message = "fence guard (pid {Pid}) stood down: hospesd stops cleanly")]
    private partial void LogStoodDown(int pid);
}
