using Hospes.Core.Vms;
using Hospes.Host.Settings;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>What the VM floor writes to hospesd's log (category Hospes.Vm), with stable ids from <see cref="LogEvents"/>.</summary>
internal static partial class VmLog
{
    public const string Category = "Hospes.Vm";

    [LoggerMessage(EventId = LogEvents.VmStarted, Level = LogLevel.Information, Message = "{Name}: started (pid {Pid}, domid {DomId}, {Machine}, {Accel})")]
    public static partial void Started(ILogger log, string name, int pid, int domId, string machine, string accel);

    [LoggerMessage(EventId = LogEvents.VmStopped, Level = LogLevel.Information, Message = "{Name}: stopped ({Why})")]
    public static partial void Stopped(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.VmCrashed, Level = LogLevel.Warning, Message = "{Name}: crashed: {Why}")]
    public static partial void Crashed(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.VmLifecycleAction, Level = LogLevel.Information, Message = "{Name}: guest {Event}; applying {Action}")]
    public static partial void Lifecycle(ILogger log, string name, GuestEvents.Kind @event, LifecycleAction action);

    [LoggerMessage(EventId = LogEvents.VmReattached, Level = LogLevel.Information, Message = "{Name}: re-attached to running QEMU (pid {Pid}), guest {Status}")]
    public static partial void Reattached(ILogger log, string name, int pid, QemuRunState status);

    [LoggerMessage(EventId = LogEvents.VmSaved, Level = LogLevel.Information, Message = "{Name}: saved to {Path} ({Bytes} bytes)")]
    public static partial void Saved(ILogger log, string name, string path, long bytes);

    [LoggerMessage(EventId = LogEvents.VmRestored, Level = LogLevel.Information, Message = "{Name}: restored from {Path}")]
    public static partial void Restored(ILogger log, string name, string path);

    [LoggerMessage(EventId = LogEvents.VmCommandFailed, Level = LogLevel.Error, Message = "{Name}: command failed")]
    public static partial void CommandFailed(ILogger log, string name, Exception error);

    [LoggerMessage(EventId = LogEvents.VmGuestReset, Level = LogLevel.Information, Message = "{Name}: guest rebooted")]
    public static partial void GuestReset(ILogger log, string name);

    [LoggerMessage(EventId = LogEvents.VmBootsInNewQemu, Level = LogLevel.Information, Message = "{Name}: boots again in a new QEMU ({Why})")]
    public static partial void BootsInNewQemu(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.VmEventsNotLogged, Level = LogLevel.Warning, Message = "{Name}: {Count} more {What} were not logged (at most 5 a minute are)")]
    public static partial void EventsNotLogged(ILogger log, string name, int count, string what);

    [LoggerMessage(EventId = LogEvents.VmLogRotated, Level = LogLevel.Information, Message = "{Name}: {File} reached {Kib} KiB; its older part is {File}.1 (logs.vm_max_mib caps each VM log)")]
    public static partial void LogRotated(ILogger log, string name, string file, long kib);

    [LoggerMessage(EventId = LogEvents.VmLogCapFailed, Level = LogLevel.Warning, Message = "{Name}: cannot rotate {Path}")]
    public static partial void LogCapFailed(ILogger log, string name, string path, Exception error);

    [LoggerMessage(EventId = LogEvents.VmNoCpuCgroup, Level = LogLevel.Warning, Message = "{Name}: runs without its CPU cgroup, so cpu_weight and cpu_cap are not enforced: {Why}")]
    public static partial void NoCpuCgroup(ILogger logger, string name, string why);

    [LoggerMessage(EventId = LogEvents.VmNoHostKey, Level = LogLevel.Warning, Message = "{Name}: starts without the SSH host key hospesd keeps for it, so `hospes ssh` will refuse it: {Why}")]
    public static partial void NoHostKey(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.VmRenamed, Level = LogLevel.Information, Message = "{Old}: renamed to {New}")]
    public static partial void Renamed(ILogger log, string old, string @new);
}
