namespace Hospes.Network;

/// <summary>
/// Runs the network tools. Every command can be given a prefix, so the whole layer can act on a network
/// namespace other than the current one: <c>new NetTools(["ip", "netns", "exec", "hn-test1"])</c> runs
/// <c>ip netns exec hn-test1 nft ...</c>. hospesd itself uses no prefix and acts on its own namespace.
/// </summary>
public sealed class NetTools
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

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
        return await ToolProcess.RunAsync(argv, commandLine, standardInput, Timeout, ct).ConfigureAwait(false);
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

    private static NetToolException Missing(string tool) =>
        new(ToolPackages.MissingMessage(Path.GetFileName(tool)), tool, exitCode: null, standardError: "") { IsToolMissing = true };
}
