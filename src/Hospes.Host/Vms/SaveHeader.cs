using Hospes.Core.Vms;

namespace Hospes.Host.Vms;

/// <summary>What a save file says about the VM inside it.</summary>
internal sealed record SaveHeader
{
    public required VmSpec Spec { get; init; }
    public bool WasRunning { get; init; }
    public DateTimeOffset SavedAt { get; init; }
    public string? QemuVersion { get; init; }
    public string? Machine { get; init; }
    public string? Accel { get; init; }
}
