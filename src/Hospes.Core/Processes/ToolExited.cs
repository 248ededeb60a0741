using Hospes.Core.Errors;

namespace Hospes.Core.Processes;

/// <summary>The tool ran and exited with a non-zero code. The message quotes its own words.</summary>
public sealed record ToolExited : ToolError
{
    public ToolExited(ToolCommand command, ToolOutput output)
        : base(ErrorCode.Internal, Describe(command, output), command)
    {
        Output = output;
    }

    public ToolOutput Output { get; }

    public int ExitCode => Output.ExitCode;

    public string StandardError => Output.StandardError;

    private static string Describe(ToolCommand command, ToolOutput output)
    {
        string why = output.StandardError.Trim();
        if (why.Length == 0)
        {
            why = output.StandardOutput.Trim();
        }

        return $"'{command.CommandLine}' failed with exit code {output.ExitCode}: {(why.Length == 0 ? "(no output)" : why)}";
    }
}
