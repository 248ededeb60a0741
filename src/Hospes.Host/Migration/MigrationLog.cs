using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>What a migration's commands write to hospesd's log (category Hospes.Vm, as the VM's other lines).</summary>
internal static partial class MigrationLog
{
    [LoggerMessage(EventId = LogEvents.VmMigrated, Level = LogLevel.Information, Message = "{Name}: migrated to {Peer} in {TotalMs} ms, downtime {DowntimeMs} ms, {Bytes} bytes sent")]
    public static partial void Migrated(ILogger log, string name, string peer, long totalMs, long downtimeMs, long bytes);

    [LoggerMessage(EventId = LogEvents.VmSwitchover, Level = LogLevel.Information, Message = "{Name}: switch-over to {Peer}, ms after the guest stopped: QEMU done {QemuMs}, seen here {SeenMs}, request sent {SentMs}, received there {ReceivedMs}, stream complete there {CompleteMs}, continued {ResumedMs}; answer back {AnsweredMs}")]
    public static partial void Switchover(ILogger log, string name, string peer, double qemuMs, double seenMs, double sentMs, double receivedMs, double completeMs, double resumedMs, double answeredMs);

    [LoggerMessage(EventId = LogEvents.VmAnnounceFailed, Level = LogLevel.Warning, Message = "{Name}: arrived, but its NICs could not announce themselves ({Why}); switches learn its MACs when it sends")]
    public static partial void AnnounceFailed(ILogger log, string name, string why);

    [LoggerMessage(EventId = LogEvents.MigrationTlsCleanupFailed, Level = LogLevel.Warning, Message = "{Name}: could not take the migration's TLS objects out of QEMU ({Why}); they are unused and go with this QEMU")]
    public static partial void TlsCleanupFailed(ILogger log, string name, string why);
}
