namespace Hospes.Core.Errors;

/// <summary>An expected failure, carried as a value. Messages name the thing, the problem and the fix.</summary>
public sealed record HospesError(ErrorCode Code, string Message)
{
    /// <summary>Further lines, e.g. every problem found in a config file.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    public static HospesError NotFound(string message) => new(ErrorCode.NotFound, message);

    public static HospesError Invalid(string message) => new(ErrorCode.InvalidArgument, message);

    public static HospesError Conflict(string message) => new(ErrorCode.Conflict, message);

    public static HospesError State(string message) => new(ErrorCode.InvalidState, message);

    public static HospesError Unavailable(string message) => new(ErrorCode.Unavailable, message);

    public override string ToString() => Message;
}
