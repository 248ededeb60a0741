using Hospes.Host.Migration.Evacuation;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>Evacuation's records in the wire's words, both ways (a forwarded evacuation's stream comes back in them).</summary>
internal static class EvacuationWire
{
    public static Wire.EvacuationEvent ToWire(EvacuationStep s) => new()
    {
        Event = s.Event,
        Vm = s.Vm,
        To = s.To,
        Phase = s.Phase,
        Done = s.Done,
        Total = s.Total,
        Message = s.Message,
        Report = s.Result is { } r ? ToWire(r) : null,
    };

    public static EvacuationStep ToDomain(Wire.EvacuationEvent e) => new()
    {
        Event = e.Event,
        Vm = e.Vm,
        To = e.To,
        Phase = e.Phase,
        Done = e.Done,
        Total = e.Total,
        Message = e.Message,
        Result = e.Report is { } r ? ToDomain(r) : null,
    };

    public static Wire.EvacuationReport ToWire(EvacuationResult r) => new()
    {
        Host = r.Host,
        Mode = r.Mode,
        Moved = [.. r.Moved.Select(ToWire)],
        Stopped = [.. r.Stopped.Select(ToWire)],
        Left = [.. r.Left.Select(ToWire)],
        Failed = [.. r.Failed.Select(ToWire)],
    };

    public static EvacuationResult ToDomain(Wire.EvacuationReport r) => new()
    {
        Host = r.Host,
        Mode = r.Mode,
        Moved = [.. r.Moved.Select(ToDomain)],
        Stopped = [.. r.Stopped.Select(ToDomain)],
        Left = [.. r.Left.Select(ToDomain)],
        Failed = [.. r.Failed.Select(ToDomain)],
    };

    public static Wire.HostRestoreResult ToWire(RestoreResult r) => new() { Host = r.Host, Mode = r.Mode, Started = r.Started, Failed = [.. r.Failed.Select(ToWire)] };

    public static RestoreResult ToDomain(Wire.HostRestoreResult r) => new() { Host = r.Host, Mode = r.Mode, Started = r.Started, Failed = [.. r.Failed.Select(ToDomain)] };

    private static Wire.EvacuatedVm ToWire(VmOutcome v) => new() { Vm = v.Vm, To = v.To, Why = v.Why };

    private static VmOutcome ToDomain(Wire.EvacuatedVm v) => new() { Vm = v.Vm, To = v.To, Why = v.Why };
}
