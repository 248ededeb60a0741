using System.Diagnostics;
using System.Security.Cryptography;
using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Support;

/// <summary>
/// A network namespace of the test's own ("hn-" + random hex). Everything a real test creates lives in one of
/// these, never in the host's namespace; disposing ends the processes started in it and deletes it.
/// </summary>
internal sealed class Netns : IAsyncDisposable
{
    private readonly List<Process> _background = [];

    private Netns(string name)
    {
        Name = name;
        Tools = new NetTools(["ip", "netns", "exec", name]);
    }

    public string Name { get; }

    /// <summary>Runs tools inside this namespace; hand it to Links, Nft and Dnsmasq.</summary>
    public NetTools Tools { get; }

    public static async Task<Netns> CreateAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                "this test needs root: it creates network namespaces, bridges and nftables tables (run 'dotnet test' as root)");
        }

        var ns = new Netns($"hn-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        await new NetTools().RunAsync("ip", ["netns", "add", ns.Name], CancellationToken.None);
        await ns.RunAsync("ip", "link", "set", "lo", "up");
        return ns;
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

        // Daemons started in the namespace (dnsmasq) outlive their starter and keep running after the namespace is deleted.
        var host = new NetTools();
        ToolResult pids = await host.TryRunAsync("ip", ["netns", "pids", Name], CancellationToken.None);
        foreach (string pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                using var process = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        await host.TryRunAsync("ip", ["netns", "delete", Name], CancellationToken.None);
    }
}
