namespace Hospes.Core.Processes;

/// <summary>How a tool ended: its exit code and what it printed.</summary>
public sealed record ToolOutput(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>True when stdout or stderr printed more than <see cref="ToolCommand.OutputLimit"/>; the text holds the beginning.</summary>
    public bool Truncated { get; init; }

    /// <summary>The last non-empty line of stderr, which is where most tools put their reason.</summary>
    public string LastErrorLine =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
