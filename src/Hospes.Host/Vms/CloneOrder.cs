namespace Hospes.Host.Vms;

/// <summary>What `hospes clone` asks for.</summary>
/// <param name="Name">The clone's name, or a pattern with {i} for 1..Count.</param>
/// <param name="Full">An independent copy of each disk instead of an overlay on the template.</param>
/// <param name="Start">Start every clone and wait for its ready marker, for at most <paramref name="ReadyTimeout"/> each.</param>
/// <param name="ReadyMarker">What to wait for instead of the template's known marker (`--ready-marker`).</param>
/// <param name="Project">The clones' project; null: the template's.</param>
internal sealed record CloneOrder(string Name, int Count, bool Full, bool Start, TimeSpan ReadyTimeout, string? ReadyMarker = null, string? Project = null)
{
    /// <summary>These names exactly instead of Name/Count (a member's share of a run spread over a cluster).</summary>
    public IReadOnlyList<string>? Names { get; init; }
}
