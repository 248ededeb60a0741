using Hospes.Core.Processes;

namespace Hospes.Storage.Tiny.Tools;

internal static class ToolComplaint
{
    extension(ToolOutput output)
    {
        /// <summary>The tool's own complaint, for error messages: its last error line, or stdout if stderr is empty.</summary>
        public string Complaint
        {
            get
            {
                string text = output.StandardError.Trim().Length > 0 ? output.StandardError : output.StandardOutput;
                string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

                // apt prefixes errors with "E: " and warnings with "W: "; the errors are what went wrong.
                string? error = lines.LastOrDefault(l => l.StartsWith("E: ", StringComparison.Ordinal))?[3..]
                    ?? lines.LastOrDefault(l => !l.StartsWith("W: ", StringComparison.Ordinal) && !l.StartsWith("N: ", StringComparison.Ordinal));
                return error ?? $"exit code {output.ExitCode}";
            }
        }
    }
}
