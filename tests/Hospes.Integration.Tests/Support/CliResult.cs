namespace Hospes.Integration.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public CliResult Ok()
    {
        Assert.True(ExitCode == 0, $"hospes failed ({ExitCode}): {Stderr}{Stdout}");
        return this;
    }

    /// <summary>Asserts a failure with a one-line reason on stderr, and returns that line.</summary>
    public string Fails()
    {
        Assert.True(ExitCode != 0, $"hospes should have failed but printed: {Stdout}");
        string reason = Stderr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("hospes: ", reason, StringComparison.Ordinal);
        return reason;
    }
}
