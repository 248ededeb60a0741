using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    [LoggerMessage(EventId = LogEvents.VmStarted, Level = LogLevel.Information, Message = "{Name}: started (pid {Pid}, domid {DomId}, {Machine}, {Accel})")]
    private partial void LogStarted(string name, int pid, int domId, string machine, string accel);

    [LoggerMessage(EventId = LogEvents.VmStopped, Level = LogLevel.Information, Message = "{Name}: stopped ({Why})")]
    private partial void LogStopped(string name, string why);

    [LoggerMessage(EventId = LogEvents.VmCrashed, Level = LogLevel.Warning, Message = "{Name}: crashed: {Why}")]
    private partial void LogCrashed(string name, string why);

    [LoggerMessage(EventId = LogEvents.VmLifecycleAction, Level = LogLevel.Information, Message = "{Name}: guest {Event}; applying {Action}")]
    private partial void LogLifecycle(string name, GuestEvent @event, Hospes.Core.Vms.LifecycleAction action);

    [LoggerMessage(EventId = LogEvents.VmReattached, Level = LogLevel.Information, Message = "{Name}: re-attached to running QEMU (pid {Pid}), guest {Status}")]
    private partial void LogReattached(string name, int pid, Hospes.Qemu.Qmp.QemuRunState status);

    [LoggerMessage(EventId = LogEvents.VmSaved, Level = LogLevel.Information, Message = "{Name}: saved to {Path} ({Bytes} bytes)")]
    private partial void LogSaved(string name, string path, long bytes);

    [LoggerMessage(EventId = LogEvents.VmRestored, Level = LogLevel.Information, Message = "{Name}: restored from {Path}")]
    private partial void LogRestored(string name, string path);

    [LoggerMessage(EventId = LogEvents.VmCommandFailed, Level = LogLevel.Error, Message = "{Name}: command failed")]
    private partial void LogCommandFailed(string name, Exception error);

    [LoggerMessage(EventId = LogEvents.VmBalloonUnresponsive, Level = LogLevel.Warning, Message = "{Name}: the guest's balloon driver has not reached its target of {TargetMib} MiB (it holds {ActualMib} MiB); left alone by the memory policy")]
    private partial void LogBalloonUnresponsive(string name, int targetMib, long actualMib);

    [LoggerMessage(EventId = LogEvents.VmGuestReset, Level = LogLevel.Information, Message = "{Name}: guest rebooted")]
    private partial void LogGuestReset(string name);

    [LoggerMessage(EventId = LogEvents.VmMigrated, Level = LogLevel.Information, Message = "{Name}: migrated to {Peer} in {TotalMs} ms, downtime {DowntimeMs} ms, {Bytes} bytes sent")]
    private partial void LogMigrated(string name, string peer, long totalMs, long downtimeMs, long bytes);

    [LoggerMessage(EventId = LogEvents.VmSwitchover, Level = LogLevel.Information, Message = "{Name}: switch-over to {Peer}, ms after the guest stopped: QEMU done {QemuMs}, seen here {SeenMs}, request sent {SentMs}, received there {ReceivedMs}, stream complete there {CompleteMs}, continued {ResumedMs}; answer back {AnsweredMs}")]
    private partial void LogSwitchover(string name, string peer, double qemuMs, double seenMs, double sentMs, double receivedMs, double completeMs, double resumedMs, double answeredMs);

    [LoggerMessage(EventId = LogEvents.VmAnnounceFailed, Level = LogLevel.Warning, Message = "{Name}: arrived, but its NICs could not announce themselves ({Why}); switches learn its MACs when it sends")]
    private partial void LogAnnounceFailed(string name, string why);
}
