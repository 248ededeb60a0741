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
            string? error = lines.LastOrDefault(l => l.StartsWith("E:", StringComparison.Ordinal))
                ?? lines.LastOrDefault(l => !l.StartsWith("W:", StringComparison.Ordinal));
            return error ?? $"exit code {ExitCode}";
        }
    }
}
