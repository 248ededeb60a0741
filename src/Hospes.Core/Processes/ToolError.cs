using Hospes.Core.Errors;

namespace Hospes.Core.Processes;

/// <summary>
/// Why a tool run did not succeed, as a <see cref="HospesError"/> with typed facts: callers that only report it use
/// the message, callers that react to it match the kind (<see cref="ToolNotInstalled"/>, <see cref="ToolTimedOut"/>,
/// <see cref="ToolExited"/>, <see cref="ToolOutputHeld"/>).
/// </summary>
public abstract record ToolError : HospesError
{
    private protected ToolError(ErrorCode code, string message, ToolCommand command)
        : base(code, message)
    {
        Command = command;
    }

    public ToolCommand Command { get; }
}
