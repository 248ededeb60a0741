namespace Hospes.Core.Errors;

/// <summary>
/// An expected failure, carried as a value. Messages name the thing, the problem and the fix. Not sealed so a
/// failure can carry typed facts for callers that react to them (<c>Processes.ToolError</c>: the exit code, the package).
/// </summary>
public record HospesError(ErrorCode Code, string Message)
{
    /// <summary>Further lines, e.g. every problem found in a config file.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    public static HospesError NotFound(string message) => new(ErrorCode.NotFound, message);

    public static HospesError Invalid(string message) => new(ErrorCode.InvalidArgument, message);

    public static HospesError Conflict(string message) => new(ErrorCode.Conflict, message);

    public static HospesError State(string message) => new(ErrorCode.InvalidState, message);

    public static HospesError Unavailable(string message) => new(ErrorCode.Unavailable, message);

    public static HospesError Forbidden(string message) => new(ErrorCode.Forbidden, message);

    public static HospesError Unauthenticated(string message) => new(ErrorCode.Unauthenticated, message);

    public sealed override string ToString() => Message;
}
