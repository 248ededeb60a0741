using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Integration.Tests.Hosts;
using Hospes.Integration.Tests.Support;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>
/// Finding #1 (the rest): the destination's stream and disk ports take connections from the source host's address
/// only. The third host is B's "outside" namespace (198.51.100.2, routed to B through its own veth): it reaches B's
/// API, but not the ports of a migration from A.
/// </summary>
public sealed partial class MigrationChannelTests
{
    [Fact]
    public async Task WhileAMigrationWaits_AThirdHostCannotReachItsPorts_TheSourcesMigrationsSucceed_AndNoRuleIsLeft()
    {
        (await Run.ProcessAsync("ip", ["-n", _nsB.Outside!, "route", "add", "203.0.113.0/24", "via", NetNs.HostOutsideAddress])).Ok();
        Assert.True(await ThirdHostConnectsAsync(8443), "the third host cannot reach B at all: the test proves nothing");

        // A copy that cannot converge (1 ms limit, memory rewritten flat out): both ports wait as long as the test needs.
        (await _a.CliAsync("disk", "create", "data", "--size", "64M")).Ok();
        await StartBusyGuestAsync("fw", ", 'image:data,qcow2,xvdb,w'");
        Process migrate = StartMigrate("fw", "--copy-storage");
        int nbd = await NbdPortAsync();
        int stream = int.Parse(StreamPort().Match(await File.ReadAllTextAsync(_b.LogPath)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains($"ip saddr != {HostA} drop", (await _nsB.ExecAsync("nft", "list", "table", "inet", "hospes-migrations")).Stdout, StringComparison.Ordinal);
        Assert.False(await ThirdHostConnectsAsync(nbd), $"the third host connected to the NBD port {nbd}");
        Assert.False(await ThirdHostConnectsAsync(stream), $"the third host connected to the stream port {stream}");

        // What stops it is the rule: without it (taken away by hand) the same host completes a connection to the NBD port.
        (await _nsB.ExecAsync("nft", "delete", "table", "inet", "hospes-migrations")).Ok();
        Assert.True(await ThirdHostConnectsAsync(nbd), $"without the rule the third host still could not connect to {nbd}: the test proves nothing");

        (await _a.CliAsync("migrate", "--cancel", "fw")).Ok();
        Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromSeconds(60)), "hospes migrate did not end after --cancel");
        VmInfo cancelled = await _a.InfoAsync("fw");
        Assert.True(cancelled.State == VmState.Running, $"{cancelled.State}: {cancelled.LastError}\n{await migrate.StandardOutput.ReadToEndAsync()}\n{_a.LogTail(30)}\n--- B:\n{_b.LogTail(30)}");
        await AssertRunsOnAAsync("fw");
        Assert.DoesNotContain("hospes-migrations", await _nsB.NftTablesAsync(), StringComparison.Ordinal);

        // The source itself gets through, with the rule in place: a quiet guest goes (the busy one is ended, to spare the CPU).
        (await _a.CliAsync("destroy", "fw")).Ok();
        await Guest.CreateAsync(_a, "ok", $"memory = 256\ndisk = [ 'file:{Path.Combine(_shared, "memcheck.raw")},xvda,r' ]");
        CliResult moved = await _a.CliAsync("migrate", "ok", "host-b");
        Assert.True(moved.ExitCode == 0, $"{moved.Stdout}{moved.Stderr}\n{_b.LogTail(30)}");
        Assert.Equal(VmState.Running, (await _b.InfoAsync("ok")).State);
        Assert.DoesNotContain("hospes-migrations", await _nsB.NftTablesAsync(), StringComparison.Ordinal);
    }

    /// <summary>Whether the third host completes a TCP connection to B's <paramref name="port"/> within 4 s.</summary>
    private async Task<bool> ThirdHostConnectsAsync(int port)
    {
        CliResult r = await Run.ProcessAsync("ip", ["netns", "exec", _nsB.Outside!, "timeout", "4", "bash", "-c", $"exec 3<>/dev/tcp/{HostB}/{port}"], timeout: TimeSpan.FromSeconds(30));
        return r.ExitCode == 0;
    }
}
