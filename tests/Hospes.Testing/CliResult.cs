namespace Hospes.Testing;

/// <summary>How a program run by <see cref="Run"/> ended: the hospes CLI, or any host tool.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The program's name and its arguments, for messages.</summary>
    public string Command { get; init; } = "hospes";

    /// <summary>Throws unless the program exited with 0; returns the result otherwise.</summary>
    public CliResult Ok() => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{Command} failed ({ExitCode}): {Stderr}{Stdout}");

    /// <summary>Expects a failure with a one-line reason on stderr ("hospes: ..."), and returns that line; throws otherwise.</summary>
    public string Fails()
    {
        if (ExitCode == 0)
        {
            throw new InvalidOperationException($"{Command} should have failed but printed: {Stdout}");
        }

        string reason = Stderr.TrimEnd().Split('\n')[^1];
        return reason.StartsWith("hospes: ", StringComparison.Ordinal)
            ? reason
            : throw new InvalidOperationException($"{Command} failed ({ExitCode}) without a 'hospes: ' reason as its last line on stderr: {Stderr}{Stdout}");
    }
}
