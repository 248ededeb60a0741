using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration.Evacuation;

internal sealed partial class EvacuationService
{
    [LoggerMessage(EventId = LogEvents.HostEvacuating, Level = LogLevel.Warning, Message = "host {Host} evacuating ({Mode}, asked by {By}): cordoned, it takes no new VMs")]
    private partial void LogEvacuating(string host, string mode, string by);

    [LoggerMessage(EventId = LogEvents.HostEvacuatedVm, Level = LogLevel.Information, Message = "evacuation: {Vm} moved to {To}")]
    private partial void LogMoved(string vm, string to);

    [LoggerMessage(EventId = LogEvents.HostEvacuateVmFailed, Level = LogLevel.Warning, Message = "evacuation: {Vm} stays here: {Why}")]
    private partial void LogNotMoved(string vm, string why);

    [LoggerMessage(EventId = LogEvents.HostEvacuated, Level = LogLevel.Warning, Message = "host {Host} evacuated: {Moved} moved, {Stopped} stopped, {Failed} could not leave")]
    private partial void LogEvacuated(string host, int moved, int stopped, int failed);

    [LoggerMessage(EventId = LogEvents.HostRestored, Level = LogLevel.Information, Message = "host {Host} restored by {By}: takes VMs again; {Started} started again")]
    private partial void LogRestored(string host, string by, int started);

    [LoggerMessage(EventId = LogEvents.HostRestoreStartFailed, Level = LogLevel.Warning, Message = "restore: {Vm} did not start again: {Why}")]
    private partial void LogNotStarted(string vm, string why);
}
