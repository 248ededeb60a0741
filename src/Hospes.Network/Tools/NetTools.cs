using Hospes.Core.Errors;
using Hospes.Core.Processes;

namespace Hospes.Network.Tools;

/// <summary>
/// Runs the network tools. Every command can be given a prefix, so the whole layer can act on a network
/// namespace other than the current one: <c>new NetTools(["ip", "netns", "exec", "hn-test1"])</c> runs
/// <c>ip netns exec hn-test1 nft ...</c>. hospesd itself uses no prefix and acts on its own namespace.
/// </summary>
public sealed class NetTools
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>dnsmasq forks its daemon and exits; one that kept our pipes open would otherwise hang us.</summary>
    private static readonly TimeSpan DaemonGrace = TimeSpan.FromSeconds(5);

    private readonly string _searchPath;

    public NetTools(IReadOnlyList<string>? prefix = null, TimeSpan? timeout = null)
        : this(prefix, timeout, Environment.GetEnvironmentVariable("PATH") ?? "")
    {
    }

    /// <summary>For tests: look for tools only in <paramref name="searchPath"/> (and the sbin folders).</summary>
    internal NetTools(IReadOnlyList<string>? prefix, TimeSpan? timeout, string searchPath)
    {
        Prefix = prefix ?? [];
        Timeout = timeout ?? DefaultTimeout;
        _searchPath = searchPath;
    }

    public IReadOnlyList<string> Prefix { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Runs <paramref name="tool"/>; a non-zero exit is a <see cref="NetToolException"/>.</summary>
    public Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct) =>
        RunAsync(tool, arguments, standardInput: null, ct);

    /// <summary>Runs <paramref name="tool"/> with <paramref name="standardInput"/> on its stdin (e.g. <c>nft -f -</c>).</summary>
    public async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, string? standardInput, CancellationToken ct)
    {
        ToolResult result = await TryRunAsync(tool, arguments, standardInput, ct).ConfigureAwait(false);
        return result.EnsureSuccess();
    }

    /// <summary>Runs <paramref name="tool"/> and returns whatever exit code it had; throws only when it cannot run.</summary>
    public Task<ToolResult> TryRunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct) =>
        TryRunAsync(tool, arguments, standardInput: null, ct);

    public async Task<ToolResult> TryRunAsync(string tool, IReadOnlyList<string> arguments, string? standardInput, CancellationToken ct)
    {
        var argv = new List<string>();
        if (Prefix.Count > 0)
        {
            argv.Add(Resolve(Prefix[0]));
            argv.AddRange(Prefix.Skip(1));
        }

        argv.Add(Resolve(tool));
        argv.AddRange(arguments);
        string commandLine = string.Join(' ', Prefix.Append(tool).Concat(arguments));
        var command = new ToolCommand(argv[0], argv.Skip(1)) { StandardInput = standardInput, Timeout = Timeout, DaemonGrace = DaemonGrace };
        Result<ToolOutput> run = await ToolProcess.RunAsync(command, ct).ConfigureAwait(false);
        return run.Error switch
        {
            null => Completed(commandLine, run.Value),
            ToolExited exited => Completed(commandLine, exited.Output),
            ToolNotInstalled missing => throw new NetToolException($"cannot run '{commandLine}': {missing.Reason}", commandLine, exitCode: null, standardError: ""),
            ToolTimedOut timedOut => throw new NetToolException(
                $"'{commandLine}' did not finish within {Timeout.TotalSeconds:0} s and was killed", commandLine, exitCode: null, standardError: timedOut.Output.StandardError),
            ToolOutputHeld held => throw new NetToolException(
                $"'{commandLine}' exited but a process it left behind keeps its output open", commandLine, held.Output.ExitCode, standardError: ""),
            _ => throw new NetToolException(run.Error.Message, commandLine, exitCode: null, standardError: ""),
        };
    }

    /// <summary>The tool's full path. hospesd may run with a PATH lacking the sbin folders, where all these tools live.</summary>
    internal string Resolve(string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : throw Missing(tool);
        }

        IEnumerable<string> folders = _searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"]);
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(tool);
    }

    private static NetToolException Missing(string tool)
    {
        string name = Path.GetFileName(tool);
        string message = ToolPackages.Of(name) is { } package
            ? $"{name} is not installed: install the Debian package {package} (apt-get install {package})"
            : $"{name} is not installed (not found on PATH or in /usr/sbin, /sbin)";
        return new(message, tool, exitCode: null, standardError: "") { IsToolMissing = true };
    }

    private static ToolResult Completed(string commandLine, ToolOutput output) =>
        new(commandLine, output.ExitCode, output.StandardOutput, output.StandardError);
}
