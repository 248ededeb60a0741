namespace Hospes.Contracts;

/// <summary>`hospes host evacuate HOST [--mode live|stop]`: every VM leaves HOST (live) or stops there (stop); HOST gets no new VMs.</summary>
public sealed record HostEvacuateRequest
{
    /// <summary>"live" (default): each running VM migrates to another host; "stop": each running VM is shut down on HOST.</summary>
    public string? Mode { get; init; }
}
