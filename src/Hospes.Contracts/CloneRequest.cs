namespace Hospes.Contracts;

public sealed record CloneRequest
{
    /// <summary>The clone's name, or a pattern with {i} for 1..Count.</summary>
    public required string Name { get; init; }
    public int Count { get; init; } = 1;

    /// <summary>An independent copy of each disk instead of an overlay on the template.</summary>
    public bool Full { get; init; }

    /// <summary>Start every clone and wait for its ready marker.</summary>
    public bool Start { get; init; }

    /// <summary>
    /// What a started clone prints on its console once it is up, instead of the template's known marker; without
    /// either, a clone is ready once it runs.
    /// </summary>
    public string? ReadyMarker { get; init; }

    /// <summary>How long one clone may take from start to its ready marker.</summary>
    public int ReadyTimeoutS { get; init; } = 300;

    /// <summary>In a cluster: the host every clone goes to (`--host`); null: the scheduler spreads them over the hosts.</summary>
    public string? Host { get; init; }

    /// <summary>
    /// These names exactly instead of Name/Count: what one member asks of another for its share of a spread clone run.
    /// </summary>
    public IReadOnlyList<string>? Names { get; init; }
}
