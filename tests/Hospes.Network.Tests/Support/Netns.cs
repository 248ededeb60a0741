using System.Diagnostics;
using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Support;

/// <summary>
/// A network namespace of the test's own ("hn-" + random hex). Everything a real test creates lives in one of
/// these, never in the host's namespace; disposing ends the processes started in it and deletes it.
/// </summary>
internal sealed class Netns : IAsyncDisposable
{
    private readonly Testing.NetNs _ns;
    private readonly List<Process> _background = [];

    private Netns(Testing.NetNs ns)
    {
        _ns = ns;
        Tools = new NetTools(["ip", "netns", "exec", ns.Name]);
    }

    public string Name => _ns.Name;

    /// <summary>Runs tools inside this namespace; hand it to Links, Nft and Dnsmasq.</summary>
    public NetTools Tools { get; }

    public static async Task<Netns> CreateAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                "this test needs root: it creates network namespaces, bridges and nftables tables (run 'dotnet test' as root)");
        }

        return new Netns(await Testing.NetNs.CreateBareAsync("hn-"));
    }

    public Task<ToolResult> RunAsync(string tool, params string[] args) => Tools.RunAsync(tool, args, CancellationToken.None);

    public Task<ToolResult> TryRunAsync(string tool, params string[] args) => Tools.TryRunAsync(tool, args, CancellationToken.None);

    /// <summary>Starts a long-running tool (a listener) in this namespace; it is killed on dispose.</summary>
    public Process StartBackground(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["netns", "exec", Name, tool, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        _background.Add(p);
        return p;
    }

    /// <summary>Waits until something listens on TCP <paramref name="port"/> in this namespace.</summary>
    public async Task WaitForTcpListenerAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while ((await RunAsync("ss", "-Hltn", $"sport = :{port}")).StandardOutput.Trim().Length == 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"nothing listens on tcp port {port} in {Name}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Ends the listeners it started, then the namespace with what else runs in it (dnsmasq outlives its starter).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Process p in _background)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            p.Dispose();
        }

        await _ns.DisposeAsync();
    }
}
