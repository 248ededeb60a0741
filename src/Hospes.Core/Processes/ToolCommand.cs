namespace Hospes.Core.Processes;

/// <summary>
/// One run of a host tool: its argv (never a shell string) and how to run it. <see cref="ToolProcess"/> runs it
/// with <c>LC_ALL=C</c>, so the tool's messages can be matched whatever the caller's locale.
/// </summary>
public sealed record ToolCommand
{
    /// <summary>Enough for any tool's answer Hospes parses; a runaway tool cannot fill memory.</summary>
    public const int DefaultOutputLimit = 16 * 1024 * 1024;

    public ToolCommand(string program, IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        Program = program;
        Arguments = [.. arguments];
    }

    /// <summary>The tool: a name looked up on PATH, or a path.</summary>
    public string Program { get; }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Written to the tool's stdin, which is then closed; null closes it at once (the tool reads end of file).</summary>
    public string? StandardInput { get; init; }

    /// <summary>How long the tool may run before it and every process it started are killed; null: until cancelled.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The tool's working directory; null: the caller's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set for the tool on top of the caller's environment (and <c>LC_ALL=C</c>, which they may override).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The Debian package to install when the tool is missing; null: looked up in <see cref="ToolPackages"/>.</summary>
    public string? Package { get; init; }

    /// <summary>
    /// For tools that fork a daemon and exit (dnsmasq, <c>qemu-storage-daemon --daemonize</c>): once the tool itself
    /// has exited, its output is awaited only this long (instead of the rest of the timeout), because a daemon that
    /// kept the tool's stdout would hold it open for its whole life. The daemon is not killed. Null: not a daemon starter.
    /// </summary>
    public TimeSpan? DaemonGrace { get; init; }

    /// <summary>At most this many characters of stdout and of stderr are kept (the first ones); the rest is read and dropped.</summary>
    public int OutputLimit { get; init; } = DefaultOutputLimit;

    /// <summary>The command as a person would type it, for messages.</summary>
    public string CommandLine => string.Join(' ', Arguments.Prepend(Program));
}
