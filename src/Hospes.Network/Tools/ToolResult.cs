namespace Hospes.Network.Tools;

/// <summary>How a tool ended: its exit code and everything it printed.</summary>
public sealed record ToolResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>This result, or a <see cref="NetToolException"/> with the command line, exit code and the tool's own words.</summary>
    public ToolResult EnsureSuccess()
    {
        if (ExitCode == 0)
        {
            return this;
        }

        string why = StandardError.Trim();
        if (why.Length == 0)
        {
            why = StandardOutput.Trim();
        }

        throw new NetToolException(
            $"'{CommandLine}' failed with exit code {ExitCode}: {(why.Length == 0 ? "(no output)" : why)}",
            CommandLine,
            ExitCode,
            StandardError);
    }
}
