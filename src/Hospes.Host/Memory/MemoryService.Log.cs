using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Memory;

internal sealed partial class MemoryService
{
    [LoggerMessage(EventId = LogEvents.MemoryPolicyAction, Level = LogLevel.Information, Message = "{Vm}: balloon {FromMib} -> {ToMib} MiB ({Reason})")]
    private partial void LogPolicyAction(string vm, int fromMib, int toMib, string reason);

    [LoggerMessage(EventId = LogEvents.MemoryPolicyAction, Level = LogLevel.Warning, Message = "host memory low ({AvailableMib} MiB available, reserve {ReserveMib} MiB) and {NeedMib} MiB more cannot be reclaimed from guests without going below what they use")]
    private partial void LogPressureUnrelieved(long availableMib, long reserveMib, long needMib);

    [LoggerMessage(EventId = LogEvents.MemoryKsm, Level = LogLevel.Information, Message = "KSM on for {Guests} guests: pages_to_scan {PagesToScan}, sleep {SleepMs} ms")]
    private partial void LogKsmOn(int guests, long pagesToScan, int sleepMs);

    [LoggerMessage(EventId = LogEvents.MemoryKsm, Level = LogLevel.Information, Message = "KSM back to the host's setting (run {Run}): fewer than two guests run")]
    private partial void LogKsmRestored(long run);

    [LoggerMessage(EventId = LogEvents.MemoryKsm, Level = LogLevel.Warning, Message = "KSM left as it is: {Why}")]
    private partial void LogKsmFailed(string why);

    [LoggerMessage(EventId = LogEvents.MemoryAdmission, Level = LogLevel.Information, Message = "memory: {TotalMib} MiB ({Source}), overcommit ratio {Ratio}, reserve {ReserveMib} MiB, policy {Policy}, KSM {Ksm}")]
    private partial void LogSettings(long totalMib, string source, double ratio, long reserveMib, MemoryPolicyMode policy, KsmMode ksm);

    [LoggerMessage(EventId = LogEvents.MemoryAdmission, Level = LogLevel.Warning, Message = "{Refusal}")]
    private partial void LogAdmissionRefused(string refusal);

    [LoggerMessage(EventId = LogEvents.MemoryPolicyAction, Level = LogLevel.Error, Message = "memory round failed")]
    private partial void LogRoundFailed(Exception error);
}
