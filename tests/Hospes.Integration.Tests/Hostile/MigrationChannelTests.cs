using System.Diagnostics;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Integration.Tests.Hosts;
using Hospes.Integration.Tests.Support;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>
/// A migration's channels against a third party, and a migration cut off by hospesd's death (issue 13, findings #1
/// and #9): two hosts, each a hospesd in its own network namespace joined by a veth pair, as in Hosts/MigrationTests.
/// The "third party" is host A's namespace itself, anything there but A's QEMU: a client without A's migration
/// certificate.
/// </summary>
[Collection(HospesTests.Exclusive)]
public sealed partial class MigrationChannelTests(TinyImage image) : IAsyncLifetime
{
    private const string HostA = "203.0.113.1";
    private const string HostB = "203.0.113.2";
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
        _shared = Directory.CreateTempSubdirectory("hit-shared-").FullName;

        // The guests' kernel is in the shared folder, outside the store: a VM from another host may use it only
        // because hospesd.conf says so (#2), as in Hosts/MigrationTests.
        string conf = Path.Combine(_shared, "hospesd.conf");
        File.WriteAllText(conf, $"migration.allow_paths = {_shared}\n");
        _a = await Daemon.StartAsync(image, _nsA, "--listen", HostA + ":8443", "--host-name", "host-a", "--config", conf);
        _b = await Daemon.StartAsync(image, _nsB, "--listen", HostB + ":8443", "--host-name", "host-b", "--config", conf);
        string token = (await _b.CliAsync("host", "token")).Ok().Stdout.Trim().Split('\n')[^1].Trim();
        (await _a.CliAsync("host", "add", "host-b", HostB + ":8443", "--token", token)).Ok();

        // Both accelerator probes done before a migration's prepare has to wait for one (see MigrationTests).
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
    public async Task WhileADiskIsCopied_TheDestinationsNbdExport_RefusesAClientWithoutTheSourcesCertificate()
    {
        (await _a.CliAsync("disk", "create", "data", "--size", "64M")).Ok();
        await StartBusyGuestAsync("nx", ", 'image:data,qcow2,xvdb,w'");
        Process migrate = StartMigrate("nx", "--copy-storage");
        int nbd = await NbdPortAsync();

        // Read and write the disk being copied, as the review's repro did (the export is named after its node). The
        // server takes no client without the source QEMU's certificate: it ends the handshake, or (its one connection
        // held by the source's mirror) never answers; either way not one byte is read or written.
        foreach (string export in new[] { "drive1", "" })
        {
            foreach (string op in new[] { "read 0 512", "write -P 0x41 0 512" })
            {
                CliResult r = await _nsA.ExecAsync("timeout", "5", "qemu-io", "-f", "raw", "-c", op, $"nbd://{HostB}:{nbd}/{export}");
                Assert.True(r.ExitCode != 0 && !r.Stdout.Contains("512/512", StringComparison.Ordinal), $"{op} on the export '{export}': exit {r.ExitCode}: {r.Stdout}{r.Stderr}");
            }
        }

        // The migration itself goes on: cancelled, the guest runs on here and B keeps nothing.
        (await _a.CliAsync("migrate", "--cancel", "nx")).Ok();
        Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromSeconds(60)), "hospes migrate did not end after --cancel");
        await AssertRunsOnAAsync("nx");
    }

    [Fact]
    public async Task HospesdKilledOnTheSource_MidStream_AfterItsRestart_TheGuestRunsOnThere_AndTheDestinationKeepsNothing()
    {
        await StartBusyGuestAsync("kx", "");
        string journal = Path.Combine(_a.StateDir, "vms", (await _a.InfoAsync("kx")).Uuid.ToString(), "migration.json");
        Process migrate = StartMigrate("kx");

        // The stream runs once the destination has prepared and the source wrote its journal. (Killed before, there
        // is nothing to settle: the guest never left, and the destination drops what it prepared by itself.)
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(journal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the source never began to stream");
            await Task.Delay(50);
        }

        await Task.Delay(1000);

        await _a.KillHardAsync();
        Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromSeconds(30)), "hospes migrate did not end when hospesd died");
        await _a.RestartAsync();

        VmInfo info = await _a.InfoAsync("kx");
        Assert.Equal(VmState.Running, info.State);
        Assert.True(info.LastError?.Contains("cut off by hospesd's restart", StringComparison.Ordinal) == true, $"{info.LastError}\n{_a.LogTail(40)}");
        await AssertRunsOnAAsync("kx");
        Assert.False(File.Exists(journal), "the journal stayed");
    }

    [Fact]
    public async Task HospesdKilledOnTheDestination_MidStream_AfterItsRestart_KeepsNoCopy_AndTheGuestRunsOnHere()
    {
        await StartBusyGuestAsync("dx", "");
        Process migrate = StartMigrate("dx");
        await WaitForQemuAsync(_b);
        await Task.Delay(1500);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await _nsB.NftTablesAsync()).Contains("hospes-migrations", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the migration's ports were never limited to A: {_b.LogTail(30)}");
            await Task.Delay(100);
        }

        await _b.KillHardAsync();
        await _b.RestartAsync();

        // Nor the rule that kept the migration's ports to A: the restart clears it before anything else may listen.
        Assert.DoesNotContain("hospes-migrations", await _nsB.NftTablesAsync(), StringComparison.Ordinal);

        // No crashed duplicate with the guest's name, uuid and MACs is left to be started on the shared disk.
        Assert.Empty(await _b.ListAsync());
        Assert.Empty(_b.Qemus());
        Assert.Empty(_b.VmDirs());
        Assert.True(await migrate.WaitForExitAsync(TimeSpan.FromSeconds(60)), "hospes migrate did not end after the destination dropped the guest");
        Assert.NotEqual(0, migrate.ExitCode);
        await AssertRunsOnAAsync("dx");
    }

    [GeneratedRegex(@"stream port (\d+)")]
    private static partial Regex StreamPort();

    /// <summary>The destination QEMU's NBD port: the one it listens on that is not the stream's (never touched: a stray connection breaks the stream).</summary>
    private async Task<int> NbdPortAsync()
    {
        int qemu = await WaitForQemuAsync(_b);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            Match stream = StreamPort().Match(await File.ReadAllTextAsync(_b.LogPath));
            int[] ports = [.. (await _nsB.ExecAsync("ss", "-ltnpH")).Stdout.Split('\n')
                .Where(l => l.Contains($"pid={qemu},", StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture))];
            if (stream.Success && ports.Except([int.Parse(stream.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]).ToList() is [int nbd])
            {
                return nbd;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the destination's QEMU did not listen for the disks: {string.Join(", ", ports)}");
            await Task.Delay(100);
        }
    }

    /// <summary>A guest dirtying 128 MiB as fast as it can: with a 1 ms limit its migration cannot converge for a long while.</summary>
    private async Task StartBusyGuestAsync(string name, string moreDisks)
    {
        string disk = MemCheck.Disk(_shared);
        await Guest.CreateAsync(_a, name, $"memory = 256\ndisk = [ 'file:{disk},xvda,r'{moreDisks} ]");
        await GuestShell.RunAsync(_a, name, MemCheck.Start(128, intervalMs: 0));
        await MemCheck.WaitForPassAsync(_a, name, 2);
    }

    private Process StartMigrate(string name, params string[] more) => Process.Start(new ProcessStartInfo(Repo.Hospes, ["migrate", name, "host-b", "--downtime-ms", "1", "--timeout", "120", .. more])
    {
        RedirectStandardError = true,
        RedirectStandardOutput = true,
        Environment = { ["HOSPES_SOCKET"] = _a.Socket },
    })!;

    private async Task AssertRunsOnAAsync(string name)
    {
        Assert.Equal(VmState.Running, (await _a.InfoAsync(name)).State);
        int last = MemCheck.Passes(await _a.ConsoleLogAsync(name)).Max();
        string log = await MemCheck.WaitForPassAsync(_a, name, last + 2);
        Assert.False(MemCheck.FoundStale(log), log);

        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
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
}
