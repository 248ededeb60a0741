namespace Hospes.Storage.Tiny.Tools;

/// <summary>What a host tool printed and how it exited.</summary>
internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The tool's own complaint, for error messages: its last error line, or stdout if stderr is empty.</summary>
    public string Complaint
    {
        get
        {
            string text = Stderr.Trim().Length > 0 ? Stderr : Stdout;
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // apt prefixes errors with "E: " and warnings with "W: "; the errors are what went wrong.
            string? error = lines.LastOrDefault(l => l.StartsWith("E: ", StringComparison.Ordinal))?[3..]
                ?? lines.LastOrDefault(l => !l.StartsWith("W: ", StringComparison.Ordinal) && !l.StartsWith("N: ", StringComparison.Ordinal));
            return error ?? $"exit code {ExitCode}";
        }
    }
}
