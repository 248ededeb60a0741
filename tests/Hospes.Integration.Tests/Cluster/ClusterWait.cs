using System.Text.Json;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>The cluster test classes' shared wait: ask `cluster list` on one host until its answer satisfies a condition.</summary>
internal static class ClusterWait
{
    /// <summary>The default limit: hosts under a loaded machine's etcd elections and lease expiries take a while.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>`cluster list` on <paramref name="d"/> until <paramref name="done"/> holds (every 500 ms); fails the test with the last answer and the host's log when the limit passes.</summary>
    public static async Task<List<ClusterHostInfo>> HostsAsync(Daemon d, Func<List<ClusterHostInfo>, bool> done, TimeSpan? limit = null)
    {
        DateTime deadline = DateTime.UtcNow + (limit ?? Limit);
        List<ClusterHostInfo> hosts = [];
        while (DateTime.UtcNow < deadline)
        {
            CliResult r = await d.CliAsync("cluster", "list", "--format", "json");
            if (r.ExitCode == 0)
            {
                hosts = JsonSerializer.Deserialize<List<ClusterHostInfo>>(r.Stdout, Wire.Options) ?? [];
                if (done(hosts))
                {
                    return hosts;
                }
            }

            await Task.Delay(500);
        }

        Assert.Fail($"cluster list on {d.StateDir} never got there; last: {JsonSerializer.Serialize(hosts)}\n{d.LogTail(30)}");
        return hosts;
    }
}
