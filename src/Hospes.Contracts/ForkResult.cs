namespace Hospes.Contracts;

/// <summary>What a fork made: the forks that run (each with its own MACs), those that failed and why, and how long it took.</summary>
public sealed record ForkResult
{
    public required string Parent { get; init; }

    public IReadOnlyList<ForkedVmInfo> Forks { get; init; } = [];

    public IReadOnlyList<ForkFailure> Failed { get; init; } = [];

    /// <summary>From the request to the last fork running, in ms.</summary>
    public long Ms { get; init; }
}

public sealed record ForkedVmInfo(string Name, Guid Uuid, IReadOnlyList<string> Macs);

public sealed record ForkFailure(string Name, string Error);
