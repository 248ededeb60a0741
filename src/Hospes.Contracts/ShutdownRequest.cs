namespace Hospes.Contracts;

public sealed record ShutdownRequest
{
    /// <summary>How long to wait for the guest to power off.</summary>
    public int TimeoutS { get; init; } = 60;

    /// <summary>Destroy the VM if the guest has not powered off in time.</summary>
    public bool Force { get; init; }
}
