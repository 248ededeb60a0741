namespace Hospes.Contracts;

/// <summary>One line of a clone run's progress stream (application/x-ndjson).</summary>
public sealed record CloneEvent
{
    /// <summary>created, started, ready, failed, warning (in a cluster: the template's copy used while its home is down), or done (the last line, with the summary).</summary>
    public required string Event { get; init; }
    public string? Name { get; init; }
    public string? Message { get; init; }
    public int Total { get; init; }
    public int Created { get; init; }
    public int Ready { get; init; }
    public int Failed { get; init; }
    public double ElapsedS { get; init; }

    /// <summary>On the done line: every failure, one per clone.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>On the done line: the run's warnings (in a cluster: the template's copy was used while its home did not answer).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>In a cluster: the host the clone named here went to (on a done line: null).</summary>
    public string? Host { get; init; }

    /// <summary>On the done line of a cluster's run: each clone's host, by clone name.</summary>
    public IReadOnlyDictionary<string, string>? Hosts { get; init; }
}
