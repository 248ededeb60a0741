using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Integration.Tests.Support;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hosts;

/// <summary>
/// Live migration between two hosts: each a hospesd in its own network namespace; the namespaces are joined by a
/// veth pair that both hosts put on a bridge (brg), so they share one L2 segment (203.0.113.0/24) as hosts on one
/// switch do. Guests that need a network sit on that bridge with an address of their own on it. The guest runs
/// tests/Hospes.Testing/Guests/memcheck.c, which stamps every page each pass and checks the previous stamp: one lost write is reported.
/// </summary>
[Collection(HospesTests.Exclusive)]
public sealed partial class MigrationTests(TinyImage image) : IAsyncLifetime
{
    private const string HostA = "203.0.113.1";
    private const string HostB = "203.0.113.2";
    private const string GuestIp = "203.0.113.50";
    private NetNs _nsA = null!;
    private NetNs _nsB = null!;
    private Daemon _a = null!;
    private Daemon _b = null!;
    private string _shared = null!;

    public async Task InitializeAsync()
    {
        _nsA = await NetNs.CreateAsync();
        _nsB = await NetNs.CreateAsync();
        await NetNs.LinkAsync(_nsA, _nsB, HostA + "/24", HostB + "/24");
        await BridgeAsync(_nsA, "link0", HostA);
        await BridgeAsync(_nsB, "link1", HostB);
        // Storage both hosts see at the same path: the checker's disk. A peer's VM may use it and the hosts' bridge
        // only because hospesd.conf says so (#2).
        _shared = Directory.CreateTempSubdirectory("hit-shared-").FullName;
        string conf = Path.Combine(_shared, "hospesd.conf");
        File.WriteAllText(conf, $"migration.allow_paths = {_shared}\nmigration.allow_bridges = brg\n");
        _a = await Daemon.StartAsync(image, _nsA, "--listen", HostA + ":8443", "--host-name", "host-a", "--config", conf);
        _b = await Daemon.StartAsync(image, _nsB, "--listen", HostB + ":8443", "--host-name", "host-b", "--config", conf);
        string token = (await _b.CliAsync("host", "token")).Ok().Stdout.Trim().Split('\n')[^1].Trim();
        (await _a.CliAsync("host", "add", "host-b", HostB + ":8443", "--token", token)).Ok();

        // A hospesd decides its accelerator once after start (a probe guest, in the background); the first QEMU it
        // starts waits for that. On a fresh destination that is the migration's prepare, which the source gives 30 s.
        // Both decisions are made before the tests migrate (host info waits for them).
        await Task.WhenAll(_a.HostInfoAsync(), _b.HostInfoAsync());
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _nsA.DisposeAsync();
        await _nsB.DisposeAsync();
        Directory.Delete(_shared, recursive: true);
    }

    [Fact]
    public async Task LiveMigration_BackAndForth_LosesNoPage_KeepsTheGuestRunning_AndATcpSessionSurvives()
    {
        string disk = MemCheck.Disk(_shared);
        await Guest.CreateAsync(_a, "mc", $"maxmem = 256\ndisk = [ 'file:{disk},xvda,r' ]\nvif = [ 'bridge=brg' ]");
        await GuestShell.RunAsync(_a, "mc", $"ip addr add {GuestIp}/24 dev eth0; ip link set eth0 up; (sleep 3600 | nc -l -p 7000 | while read l; do echo \"got $l\"; done &)");
        await GuestShell.RunAsync(_a, "mc", MemCheck.Start(64));
        await MemCheck.WaitForPassAsync(_a, "mc", 3);

        // A TCP session from host A to the guest, open across all three migrations (the guest's nc keeps its own
        // side open: its stdin is a sleep, not the console's EOF).
        string flag = Path.Combine(_shared, "send-after");
        using Process session = StartSession(_nsA, $"(echo before; while [ ! -e {flag} ]; do sleep 0.1; done; echo after; sleep 1)");
        await _a.WaitForConsoleAsync("mc", "got before");
        Assert.Equal(0, await _nsB.PingAsync(GuestIp));

        var hops = new[] { (From: _a, To: _b, Dest: "host-b"), (From: _b, To: _a, Dest: "host-a"), (From: _a, To: _b, Dest: "host-b") };
        foreach ((Daemon from, Daemon to, string dest) in hops)
        {
            // The source's console log goes with its VM: follow it until the migration returns.
            string consoleFile = Path.Combine(from.StateDir, "vms", (await from.InfoAsync("mc")).Uuid.ToString(), "console.log");
            using var following = new CancellationTokenSource();
            Task<string> lastSeen = FollowAsync(consoleFile, following.Token);
            // A pause of up to 1 s at the switch-over: over TLS this host's link carries about 23 MB/s, and a guest that
            // rewrites 64 MiB every pass does not converge under the default 50 ms limit within 60 s on every run (seen in
            // a full run: 18 MiB/s dirtied at 99 % throttle, 778 ms expected). What this test checks is that no page is
            // lost and the guest and its connection live on; how short the pause can be is the benchmark's question.
            MigrationSummary s = await from.JsonAsync<MigrationSummary>("migrate", "mc", dest, "--downtime-ms", "1000");
            await following.CancelAsync();
            IReadOnlyList<(int Pass, long T)> before = Stamps(await lastSeen);
            Assert.Equal(("mc", dest, "live"), (s.Vm, s.To, s.Mode));
            Assert.True(s.TransferredBytes > 32 << 20 && s.TotalMs > 0 && s.DowntimeMs is >= 0 and < 2000, $"summary: {s}");

            // The source keeps nothing: no VM, no QEMU, no folder; the destination runs the guest.
            Assert.Empty(await from.ListAsync());
            Assert.Empty(from.Qemus());
            Assert.Empty(from.VmDirs());
            Assert.Equal(VmState.Running, (await to.InfoAsync("mc")).State);
            Assert.Equal(0, await _nsA.PingAsync(GuestIp)); // the guest's address answers from its new place
            Assert.Equal(0, await _nsB.PingAsync(GuestIp));

            string log = await MemCheck.WaitForPassAsync(to, "mc", before[^1].Pass + 3);
            Assert.False(MemCheck.FoundStale(log), log[Math.Max(0, log.IndexOf("memcheck STALE", StringComparison.Ordinal))..]);
            Assert.DoesNotContain(Guest.Ready, log, StringComparison.Ordinal); // no reboot: the console there starts mid-run

            // The counter goes on where it stopped, and the guest's own clock shows no gap beyond a pass or two.
            (int Pass, long T) first = Stamps(log)[0];
            Assert.True(first.Pass - before[^1].Pass is >= 1 and <= 3, $"memcheck's last pass on {from.Netns!.Name} was {before[^1].Pass}, its first on the destination {first.Pass}");
            // The stream is encrypted (TLS, #1 of the security review) and this guest dirties its 64 MiB every pass, so
            // QEMU throttles its vCPUs (auto-converge) before the switch-over: the pass that spans it takes about two
            // seconds of the guest's own time (measured: 2041-2088 ms in five runs; 114 ms in a run without TLS). What this catches is a
            // guest kept stopped for seconds; QEMU's own downtime is checked above.
            Assert.True(first.T - before[^1].T < 5000, $"the guest's clock jumped {first.T - before[^1].T} ms at the switch-over ({first.Pass - before[^1].Pass} passes); summary: {s}");
        }

        // The same connection, opened while the guest was on A, now reaches it on B.
        await File.WriteAllTextAsync(flag, "");
        await _b.WaitForConsoleAsync("mc", "got after", limit: TimeSpan.FromSeconds(30));
        Assert.True(await session.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the TCP session did not end");
        Assert.Equal(0, session.ExitCode);
    }

    [Fact]
    public async Task CopyStorage_CarriesTheLocalDisk_AndOfflineBringsItBack()
    {
        string disk = MemCheck.Disk(_shared);
        (await _a.CliAsync("disk", "create", "data", "--size", "64M")).Ok();
        await Guest.CreateAsync(_a, "st", $"disk = [ 'file:{disk},xvda,r', 'image:data,qcow2,xvdb,w' ]");
        await GuestShell.RunAsync(_a, "st", "echo written-on-a | dd of=/dev/vdb bs=512 count=1 conv=sync 2>/dev/null; sync");

        string refused = (await _a.CliAsync("migrate", "st", "host-b")).Fails();
        Assert.Contains("--copy-storage", refused, StringComparison.Ordinal);
        Assert.Empty(await _b.ListAsync());

        await GuestShell.RunAsync(_a, "st", MemCheck.Start(48));
        MigrationSummary s = await _a.JsonAsync<MigrationSummary>("migrate", "st", "host-b", "--copy-storage");
        Assert.Equal("live", s.Mode);
        Assert.True(s.DiskBytes > 0, $"summary: {s}");
        Assert.Contains("written-on-a", await GuestShell.RunAsync(_b, "st", "dd if=/dev/vdb bs=512 count=1 2>/dev/null | head -c 12; echo"), StringComparison.Ordinal);

        // The disk lives in B's store now: B owns a copy, and the guest writes there.
        VmInfo onB = await _b.InfoAsync("st");
        Assert.StartsWith(_b.StateDir, onB.Spec!.Disks.Single(d => d.Vdev == "xvdb").Target, StringComparison.Ordinal);
        await GuestShell.RunAsync(_b, "st", "echo written-on-b | dd of=/dev/vdb bs=512 seek=1 count=1 conv=sync 2>/dev/null; sync");

        MigrationSummary back = await _b.JsonAsync<MigrationSummary>("migrate", "st", "host-a", "--copy-storage", "--offline");
        Assert.Equal("paused", back.Mode);
        string both = await GuestShell.RunAsync(_a, "st", "dd if=/dev/vdb bs=512 count=2 2>/dev/null | tr -d '\\000'; echo");
        Assert.Contains("written-on-a", both, StringComparison.Ordinal);
        Assert.Contains("written-on-b", both, StringComparison.Ordinal);
        string log = await _a.ConsoleLogAsync("st");
        Assert.False(MemCheck.FoundStale(log), log);
        Assert.Empty(await _b.ListAsync());
        Assert.Empty(_b.VmDirs());
    }

    /// <summary>
    /// #15: a pygrub guest takes the kernel it runs with it. Its shared disk no longer has that kernel (removed while it
    /// ran, as a guest's kernel update does): a destination reading the disk again would not find it.
    /// </summary>
    [Fact]
    public async Task APygrubGuest_MigratesWithTheKernelItRuns_NotWhatItsDiskHoldsNow()
    {
        string tiny = Path.Combine(_a.StateDir, "images", "tiny");
        string content = Path.Combine(_shared, "bootfs");
        Directory.CreateDirectory(Path.Combine(content, "boot", "grub"));
        File.Copy(Path.Combine(tiny, "vmlinuz"), Path.Combine(content, "boot", "vmlinuz-tiny"));
        File.Copy(Path.Combine(tiny, "initrd.gz"), Path.Combine(content, "boot", "initrd-tiny"));
        await File.WriteAllTextAsync(Path.Combine(content, "boot", "grub", "grub.cfg"), """
            menuentry 'Tiny from the disk' {
                linux /boot/vmlinuz-tiny quiet hospes.name=from-grub
                initrd /boot/initrd-tiny
            }
            """);
        string raw = Path.Combine(_shared, "boot.raw");
        await Disks.ToolAsync("truncate", "-s", "64M", raw);
        await Disks.ToolAsync("mkfs.ext4", "-q", "-F", "-d", content, raw);
        string cfg = _a.WriteConfig("pg.cfg", $"""
            name = "pg"
            memory = 192
            bootloader = "pygrub"
            disk = [ 'file:{raw},xvda,w' ]
            """);
        (await _a.CliAsync("create", cfg)).Ok();
        await _a.WaitForConsoleAsync("pg", Guest.Ready);
        await Disks.ToolAsync("debugfs", "-w", "-R", "rm /boot/vmlinuz-tiny", raw);

        MigrationSummary s = await _a.JsonAsync<MigrationSummary>("migrate", "pg", "host-b");

        Assert.Equal("live", s.Mode);
        Assert.Equal("from-grub", await GuestShell.RunAsync(_b, "pg", "hostname"));
        string kernel = Path.Combine(_b.VmDirs().Single(), "boot", "kernel");
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(tiny, "vmlinuz")), await File.ReadAllBytesAsync(kernel));
    }

    [Fact]
    public async Task DestinationKilledMidStream_TheGuestRunsOnHere_AndTheDestinationKeepsNothing()
    {
        await StartBusyGuestAsync("kd");
        Process migrate = StartMigrate("kd");
        int incoming = await WaitForQemuAsync(_b);
        await Task.Delay(700);
        HostProcesses.Kill(incoming);

        Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromSeconds(60)), "hospes migrate did not end after the destination's QEMU died");
        Assert.NotEqual(0, migrate.ExitCode);
        await AssertStillHereAsync("kd");
    }

    [Fact]
    public async Task Postcopy_MovesAGuestPreCopyCannotCatchUpWith_AndLosesNoPage()
    {
        // memcheck rewrites 128 MiB flat out and a 1 ms limit leaves pre-copy no way to finish: after 2 s the guest
        // continues on B and pulls the pages it still lacks from A.
        await StartBusyGuestAsync("pc");
        MigrationSummary s = await _a.JsonAsync<MigrationSummary>("migrate", "pc", "host-b", "--postcopy", "--downtime-ms", "1", "--timeout", "120");

        Assert.Equal(("pc", "host-b", "postcopy"), (s.Vm, s.To, s.Mode));
        Assert.Empty(await _a.ListAsync());
        Assert.Empty(_a.Qemus());
        Assert.Equal(VmState.Running, (await _b.InfoAsync("pc")).State);
        string log = await _b.WaitForConsoleAsync("pc", "memcheck pass ", count: 3);
        Assert.False(MemCheck.FoundStale(log), log);
        Assert.DoesNotContain(Guest.Ready, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_EndsTheMigration_TheGuestRunsOnHere_AndTheDestinationKeepsNothing()
    {
        await StartBusyGuestAsync("cx");
        Process migrate = StartMigrate("cx");
        await WaitForQemuAsync(_b);
        await Task.Delay(700);
        (await _a.CliAsync("migrate", "--cancel", "cx")).Ok();

        Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromSeconds(60)), "hospes migrate did not end after --cancel");
        Assert.Contains("cancelled", await migrate.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        await AssertStillHereAsync("cx");
        Assert.Contains("not being migrated", (await _a.CliAsync("migrate", "--cancel", "cx")).Fails(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_ChecksTheDestination_AndBadRequestsAreRefusedLeavingNothing()
    {
        await Guest.CreateAsync(_a, "dr", "vif = [ 'bridge=brg' ]");
        (await _a.CliAsync("migrate", "dr", "host-b", "--dry-run")).Ok();
        Assert.Empty(await _b.ListAsync());

        Assert.Contains("no host named 'nowhere'", (await _a.CliAsync("migrate", "dr", "nowhere")).Fails(), StringComparison.Ordinal);
        Assert.Contains("--downtime-ms 0", (await _a.CliAsync("migrate", "dr", "host-b", "--downtime-ms", "0")).Fails(), StringComparison.Ordinal);

        // The destination lacks the guest's bridge: the check names it, and nothing is made there.
        await _nsB.ExecAsync("ip", "link", "set", "brg", "name", "brx");
        string refused = (await _a.CliAsync("migrate", "dr", "host-b")).Fails();
        Assert.Contains("network", refused, StringComparison.Ordinal);
        Assert.Contains("brg", refused, StringComparison.Ordinal);
        Assert.Empty(await _b.ListAsync());
        Assert.Empty(_b.Qemus());
        Assert.Equal(VmState.Running, (await _a.InfoAsync("dr")).State);

        (await _a.CliAsync("destroy", "dr")).Ok();
        Assert.Contains("start it first", (await _a.CliAsync("migrate", "dr", "host-b")).Fails(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMigratedVm_KeepsItsProject_WhichTheDestinationMustHave()
    {
        (await _a.CliAsync("project", "create", "lab1")).Ok();
        (await _a.CliAsync("--project", "lab1", "create", _a.WriteConfig("pj.cfg", Guest.Config("pj")))).Ok();
        await _a.WaitForConsoleAsync("pj", Guest.Ready);

        string refused = (await _a.CliAsync("migrate", "pj", "host-b")).Fails();
        Assert.Contains("no project lab1 on this host; create it here first: hospes project create lab1", refused, StringComparison.Ordinal);
        Assert.Empty(await _b.ListAsync());

        (await _b.CliAsync("project", "create", "lab1", "--limit", "vms=0")).Ok();
        (await _a.CliAsync("migrate", "pj", "host-b")).Ok();

        // Its quota (no VMs at all) does not refuse a VM that runs already.
        VmInfo arrived = await _b.InfoAsync("pj");
        Assert.Equal(("lab1", VmState.Running), (arrived.Project, arrived.State));
        Assert.Equal(["pj"], (await _b.JsonAsync<List<VmInfo>>("--project", "lab1", "list")).Select(v => v.Name));
    }

    /// <summary>Reads <paramref name="file"/> every 20 ms until cancelled (or gone); returns the last content read.</summary>
    private static async Task<string> FollowAsync(string file, CancellationToken ct)
    {
        string last = "";
        while (!ct.IsCancellationRequested)
        {
            try
            {
                last = await File.ReadAllTextAsync(file, CancellationToken.None);
            }
            catch (IOException)
            {
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return last;
    }

    /// <summary>memcheck's (pass, guest ms) lines, the passes <see cref="MemCheck.Passes"/> confirms (a doubled character can garble one).</summary>
    private static IReadOnlyList<(int Pass, long T)> Stamps(string console)
    {
        var passes = MemCheck.Passes(console).ToHashSet();
        return [.. System.Text.RegularExpressions.Regex.Matches(console, @"memcheck pass (\d+) t=(\d+)\r?$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (Pass: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), T: long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .Where(s => passes.Contains(s.Pass))];
    }

    /// <summary>A guest dirtying 128 MiB as fast as it can: with a 1 ms limit it cannot converge for a long while.</summary>
    private async Task StartBusyGuestAsync(string name)
    {
        string disk = MemCheck.Disk(_shared);
        await Guest.CreateAsync(_a, name, $"memory = 256\ndisk = [ 'file:{disk},xvda,r' ]");
        await GuestShell.RunAsync(_a, name, MemCheck.Start(128, intervalMs: 0));
        await MemCheck.WaitForPassAsync(_a, name, 2);
    }

    private Process StartMigrate(string name) => Process.Start(new ProcessStartInfo(Repo.Hospes, ["migrate", name, "host-b", "--downtime-ms", "1", "--timeout", "120"])
    {
        RedirectStandardError = true,
        RedirectStandardOutput = true,
        Environment = { ["HOSPES_SOCKET"] = _a.Socket },
    })!;

    private async Task AssertStillHereAsync(string name)
    {
        Assert.Equal(VmState.Running, (await _a.InfoAsync(name)).State);
        int last = MemCheck.Passes(await _a.ConsoleLogAsync(name)).Max();
        string log = await MemCheck.WaitForPassAsync(_a, name, last + 2);
        Assert.False(MemCheck.FoundStale(log), log);

        // The destination drops the incoming VM by itself (or on the source's word): no row, no QEMU, no folder.
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await _b.ListAsync()).Count > 0 || _b.Qemus().Count > 0 || _b.VmDirs().Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"host B kept the incoming VM: {await File.ReadAllTextAsync(_b.LogPath)}");
            await Task.Delay(200);
        }
    }

    private static async Task<int> WaitForQemuAsync(Daemon d)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (d.Qemus().Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the destination never started its incoming QEMU");
            await Task.Delay(50);
        }

        return d.Qemus()[0];
    }

    /// <summary>socat from host A to the guest, fed by <paramref name="feeder"/>; exit 0 only if the session held.</summary>
    private static Process StartSession(NetNs ns, string feeder) =>
        Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns.Name, "bash", "-c", $"{feeder} | socat -t 5 - TCP:{GuestIp}:7000,connect-timeout=5"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;

    /// <summary>Puts the host's end of the link on a bridge brg, moving its address there: guests join brg too.</summary>
    private static async Task BridgeAsync(NetNs ns, string link, string address)
    {
        foreach (string[] cmd in new[]
        {
            new[] { "ip", "link", "add", "brg", "type", "bridge" },
            ["ip", "addr", "del", address + "/24", "dev", link],
            ["ip", "link", "set", link, "master", "brg"],
            ["ip", "addr", "add", address + "/24", "dev", "brg"],
            ["ip", "link", "set", "brg", "up"],
        })
        {
            (await ns.ExecAsync(cmd)).Ok();
        }
    }
}

internal static class ProcessExtensions
{
    public static async Task<bool> WaitForExitAsync(this Process p, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
