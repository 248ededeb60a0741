namespace Hospes.Host.Memory;

/// <summary>One balloon move the memory policy made.</summary>
internal sealed record PolicyAction(DateTimeOffset At, string Vm, int FromMib, int ToMib, string Reason);
