namespace Hospes.Host.Cluster.Evacuation;

/// <summary>
/// The value of `cordoned/&lt;host&gt;`: since when the host is evacuated, how ("live" or "stop") and by whom; with
/// <see cref="Stopped"/>, the VMs a stop-mode evacuation shut down, which `host restore` starts again.
/// </summary>
internal sealed record CordonRecord
{
    public required DateTimeOffset Since { get; init; }

    public required string Mode { get; init; }

    public required string By { get; init; }

    public IReadOnlyList<string> Stopped { get; init; } = [];
}
