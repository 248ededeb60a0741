using Hospes.Core.Errors;

namespace Hospes.Core.Processes;

/// <summary>The tool could not be started: not installed (or not executable). The message names the package to install.</summary>
public sealed record ToolNotInstalled : ToolError
{
    public ToolNotInstalled(ToolCommand command, string reason)
        : base(ErrorCode.Unavailable, Describe(command, reason), command)
    {
        Reason = reason;
        Package = command.Package ?? ToolPackages.Of(command.Program);
    }

    /// <summary>What the operating system said, e.g. "No such file or directory".</summary>
    public string Reason { get; }

    /// <summary>The Debian package that provides the tool, when known.</summary>
    public string? Package { get; }

    private static string Describe(ToolCommand command, string reason) =>
        (command.Package ?? ToolPackages.Of(command.Program)) is { } package
            ? $"cannot run {command.Program}: {reason}; install the Debian package {package} (apt-get install {package})"
            : $"cannot run {command.Program}: {reason}; is it installed and on PATH?";
}
