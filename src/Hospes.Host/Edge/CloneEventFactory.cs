using Hospes.Contracts;
using Hospes.Host.Vms;

namespace Hospes.Host.Edge;

/// <summary>A step of a clone run as one line of its progress stream.</summary>
internal static class CloneEventFactory
{
    public static CloneEvent Create(CloneProgress p) => new()
    {
        Event = p.Step switch
        {
            CloneStep.Created => "created",
            CloneStep.Ready => "ready",
            CloneStep.Failed => "failed",
            _ => "done",
        },
        Name = p.Name,
        Message = p.Message,
        Total = p.Total,
        Created = p.Created,
        Ready = p.Ready,
        Failed = p.Failed,
        ElapsedS = p.Elapsed.TotalSeconds,
        Failures = p.Failures,
    };
}
