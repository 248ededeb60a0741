using System.Globalization;
using Hospes.Core.Errors;

namespace Hospes.Core.Processes;

/// <summary>The tool ran past its timeout and was killed with every process it started.</summary>
public sealed record ToolTimedOut : ToolError
{
    public ToolTimedOut(ToolCommand command, TimeSpan limit, ToolOutput output)
        : base(
            ErrorCode.Timeout,
            string.Create(CultureInfo.InvariantCulture, $"'{command.CommandLine}' did not finish within {limit.TotalSeconds:0.#} s and was killed"),
            command)
    {
        Limit = limit;
        Output = output;
    }

    public TimeSpan Limit { get; }

    /// <summary>What it printed before it was killed, and the exit code the kill gave it.</summary>
    public ToolOutput Output { get; }
}
