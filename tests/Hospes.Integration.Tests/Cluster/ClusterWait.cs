using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>The cluster test classes' shared waits: `cluster list` on one host until its answer satisfies a condition, any condition, an audit row.</summary>
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

    /// <summary>Until <paramref name="done"/> holds (every 300 ms); fails the test naming <paramref name="what"/> when <paramref name="limit"/> passes.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(300);
        }

        Assert.Fail($"{what} after {limit.TotalSeconds:0} s");
    }

    /// <summary>Until one audit row of <paramref name="d"/> holds both texts (a WebSocket's row is written when it closes), 60 s at most.</summary>
    public static async Task AuditAsync(Daemon d, string action, string text)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string rows = "";
        while (DateTime.UtcNow < deadline)
        {
            rows = (await d.CliAsync("audit", "--format", "json")).Ok().Stdout;
            if (JsonNode.Parse(rows) is JsonArray all && all.Any(r => r!.ToJsonString() is { } row && row.Contains(action, StringComparison.Ordinal) && row.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"no audit row on {d.StateDir} with {action} and {text}; rows:\n{rows}");
    }
}
