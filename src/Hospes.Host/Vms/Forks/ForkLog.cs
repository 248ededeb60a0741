using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Forks;

internal static partial class ForkLog
{
    [LoggerMessage(EventId = LogEvents.Forked, Level = LogLevel.Information, Message = "{Parent}: forked into {Running} running copies ({Failed} failed) in {Ms} ms")]
    public static partial void Forked(ILogger log, string parent, int running, int failed, long ms);

    [LoggerMessage(EventId = LogEvents.ForkChildFailed, Level = LogLevel.Warning, Message = "{Name}: the fork did not come to run and is removed: {Why}")]
    public static partial void ChildFailed(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.ForkRamDeleted, Level = LogLevel.Information, Message = "RAM file {Path} deleted: no VM maps it any more")]
    public static partial void RamDeleted(ILogger log, string path);

    [LoggerMessage(EventId = LogEvents.ForkBaseDeleted, Level = LogLevel.Information, Message = "fork base {Path} deleted: no disk stands on it any more")]
    public static partial void BaseDeleted(ILogger log, string path);

    [LoggerMessage(EventId = LogEvents.ForkSweepFailed, Level = LogLevel.Warning, Message = "a sweep of unused RAM files failed; the next one tries again")]
    public static partial void SweepFailed(ILogger log, Exception e);

    [LoggerMessage(EventId = LogEvents.ForkIdentityFailed, Level = LogLevel.Warning, Message = "{Name}: the fork runs, but its guest did not take its own identity (MAC, host name, address) through its agent: {Why}")]
    public static partial void IdentityFailed(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.ForkIdentityTook, Level = LogLevel.Information, Message = "{Name}: took its identity through its agent in {Ms} ms")]
    public static partial void IdentityTook(ILogger log, string name, long ms);

    [LoggerMessage(EventId = LogEvents.ForkClockSet, Level = LogLevel.Information, Message = "{Name}: its clock was set through its agent in {Ms} ms (after the fork or restore answered)")]
    public static partial void ClockSet(ILogger log, string name, long ms);

    [LoggerMessage(EventId = LogEvents.ForkClockFailed, Level = LogLevel.Warning, Message = "{Name}: its clock was not set through its agent (it is behind by the time it stood still at its fork point or in its save file): {Why}")]
    public static partial void ClockFailed(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.ForkChildrenDefined, Level = LogLevel.Information, Message = "{Parent}: {Count} forks defined in {Ms} ms")]
    public static partial void ChildrenDefined(ILogger log, string parent, int count, long ms);

    [LoggerMessage(EventId = LogEvents.ForkOwnMemory, Level = LogLevel.Information, Message = "{Name}: ran on an earlier fork point's memory; saved and restored in {Ms} ms to have memory of its own, so it can be forked")]
    public static partial void OwnMemory(ILogger log, string name, long ms);

    [LoggerMessage(EventId = LogEvents.ForkSettled, Level = LogLevel.Warning, Message = "{Parent}: a fork cut short by a restart is settled; the parent is {State}")]
    public static partial void Settled(ILogger log, string parent, string state);
}
