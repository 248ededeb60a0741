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

    /// <summary>The RAM the saved QEMU ran with: the restoring QEMU must have exactly as much. Null in older files.</summary>
    public int? RamMib { get; init; }

    /// <summary>The saved QEMU had the guest agent's channel, so the restoring one must have it too. Null in files older than it.</summary>
    public bool? AgentChannel { get; init; }

    /// <summary>Where QEMU's stream starts in the file (the header's size); from the file's magic line, not its JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int StreamOffset { get; init; } = SaveFile.StreamOffset;
}
