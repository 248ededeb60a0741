using Hospes.Core.Errors;

namespace Hospes.Network.Tools;

/// <summary>
/// A network tool (ip, nft, dnsmasq, sysctl) could not be run or failed. The message names the command,
/// the exit code and the tool's own error text, or the Debian package to install when the tool is missing.
/// </summary>
public sealed class NetToolException : Exception
{
    public NetToolException()
    {
        CommandLine = "";
    }

    public NetToolException(string message)
        : base(message)
    {
        CommandLine = "";
    }

    public NetToolException(string message, Exception inner)
        : base(message, inner)
    {
        CommandLine = "";
    }

    public NetToolException(string message, string commandLine, int? exitCode, string standardError, Exception? inner = null)
        : base(message, inner)
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        StandardError = standardError;
    }

    public string CommandLine { get; }

    /// <summary>Null when the tool did not run at all (missing, or timed out).</summary>
    public int? ExitCode { get; }

    public string StandardError { get; } = "";

    /// <summary>True when the tool is not installed; <see cref="Exception.Message"/> names the package.</summary>
    public bool IsToolMissing { get; init; }

    /// <summary>The failure as a Hospes error: a missing tool is something the host lacks, the rest is internal.</summary>
    public HospesError ToError() => new(IsToolMissing ? ErrorCode.Unavailable : ErrorCode.Internal, Message);
}
