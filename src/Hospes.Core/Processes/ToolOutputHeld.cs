using Hospes.Core.Errors;

namespace Hospes.Core.Processes;

/// <summary>
/// A daemon-starting tool (<see cref="ToolCommand.DaemonGrace"/>) exited, but something it left behind still holds
/// its stdout or stderr after the grace: a daemon that did not detach from the tool's output.
/// </summary>
public sealed record ToolOutputHeld : ToolError
{
    public ToolOutputHeld(ToolCommand command, ToolOutput output)
        : base(ErrorCode.Internal, $"'{command.CommandLine}' exited but a process it left behind keeps its output open", command)
    {
        Output = output;
    }

    /// <summary>The tool's exit code, and what had been printed when the grace ran out.</summary>
    public ToolOutput Output { get; }
}
