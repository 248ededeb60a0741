namespace Hospes.Contracts;

public sealed record SaveRequest
{
    /// <summary>Absolute path of the save file on the daemon's host.</summary>
    public required string Path { get; init; }

    /// <summary>xl save -c: a checkpoint; the guest runs on after its state is in the file.</summary>
    public bool Checkpoint { get; init; }

    /// <summary>xl save -p: the guest stays, paused, after its state is in the file.</summary>
    public bool LeavePaused { get; init; }
}
