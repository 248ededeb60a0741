namespace Hospes.Host.Vms;

/// <summary>One step of a clone run, with the counts so far; <see cref="CloneStep.Done"/> is the last, with every failure.</summary>
internal sealed record CloneProgress(CloneStep Step, string? Name, string? Message, int Total, int Created, int Ready, int Failed, TimeSpan Elapsed)
{
    /// <summary>On the done step: every failure, one per clone.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}

internal enum CloneStep
{
    Created,
    Ready,
    Failed,
    Done,
}
