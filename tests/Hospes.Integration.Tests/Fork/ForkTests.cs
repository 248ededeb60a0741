using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// `hospes fork` against real QEMU (issue 16): a tiny guest with forkable = 1 and the memory checker, on a Hospes network
/// in a namespace of its own, forked into 3 running copies that share its RAM file copy-on-write.
/// </summary>
public sealed class ForkTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private NetNs _ns = null!;
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
        (await _d.CliAsync("network", "create", "lab0", "--subnet", "10.166.1.0/24")).Ok();
    }

    public async Task DisposeAsync()
    {
        // A failed test's RAM files on tmpfs go with the daemon (Daemon.DisposeAsync deletes its RamRoot).
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task Fork_MakesThreeRunningCopies_OnTheirOwnMemoryAndMacs_TheParentRunsOn_AndTheRamFileGoesWithTheLast()
    {
        await StartWebAsync();

        // Refusals first, on the same guest: each says why and leaves nothing.
        (await _d.CliAsync("define", _d.WriteConfig("off.cfg", Guest.Config("off", "forkable = 1")))).Ok();
        Assert.Contains("cannot fork off: it is shutoff", (await _d.CliAsync("fork", "off", "x")).Fails(), StringComparison.Ordinal);
        Assert.Contains("--count 0 is out of range", (await _d.CliAsync("fork", "web", "w-{i}", "--count", "0")).Fails(), StringComparison.Ordinal);
        Assert.Contains("needs a name pattern with {i}", (await _d.CliAsync("fork", "web", "same", "--count", "2")).Fails(), StringComparison.Ordinal);
        Assert.Contains("a VM named 'off' already exists", (await _d.CliAsync("fork", "web", "off")).Fails(), StringComparison.Ordinal);
        Assert.Equal(["off", "web"], (await _d.ListAsync()).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Empty(ForkDirs());
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);
        (await _d.CliAsync("delete", "off")).Ok();

        string parentMac = (await _d.InfoAsync("web")).Spec!.Vifs[0].Mac!;
        ForkResult forked = await _d.JsonAsync<ForkResult>("fork", "web", "web-{i}", "--count", "3");
        Assert.Empty(forked.Failed);
        string[] forks = ["web-1", "web-2", "web-3"];
        Assert.Equal(forks, forked.Forks.Select(f => f.Name));
        string[] macs = [.. forked.Forks.Select(f => f.Macs.Single())];
        Assert.Equal(4, macs.Append(parentMac).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Single(ForkDirs());

        // Every fork runs and answers on its console; each writes its name into its own memory (the guest's /tmp is
        // RAM), the parent last: nobody sees another's write.
        foreach (string vm in forks.Append("web"))
        {
            VmInfo info = await _d.InfoAsync(vm);
            Assert.Equal(VmState.Running, info.State);
            Assert.Equal(vm, await WhoAsync(vm, $"echo {vm} > /tmp/who; "));
        }

        foreach (string vm in forks.Append("web"))
        {
            Assert.Equal(vm, await WhoAsync(vm));
        }

        Assert.Equal(4, _d.Qemus().Count); // web and its 3 forks

        // Inside, each fork took its own identity through its guest agent: its own MAC (virtio-net kept the parent's in
        // the migrated device state), its name as host name, and an address of its own from the network's DHCP.
        string inside = (await GuestShell.RunAsync(_d, "web-1", "echo \"mac=$(cat /sys/class/net/eth0/address) host=$(hostname)\"")).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("mac=", StringComparison.Ordinal));
        Assert.Equal($"mac={macs[0].ToLowerInvariant()} host=web-1", inside);
        // `hospes ssh` reaches a fork at its own address and knows the host key its guest shows (the parent's, which the
        // guest booted with): no mismatch refused.
        CliResult ssh = await _d.CliAsync("ssh", "web-1", "--", "hostname");
        for (int i = 0; i < 10 && ssh.ExitCode != 0; i++)
        {
            await Task.Delay(2000);
            ssh = await _d.CliAsync("ssh", "web-1", "--", "hostname");
        }

        Assert.Equal("web-1", ssh.Ok().Stdout.Trim());
        // The memory checker goes on in all of them: no page lost, none seen from another.
        foreach (string vm in forks.Append("web"))
        {
            string log = await _d.WaitForConsoleAsync(vm, "memcheck pass ", count: 3);
            Assert.False(MemCheck.FoundStale(log), $"{vm}: {log}");
        }

        // Admission and `hospes host memory` count what a fork holds of its own (its QEMU's anonymous memory: the pages it
        // wrote, QEMU's own) and the fork's RAM file once, not 4 booted copies of 192 MiB as before (issue 16).
        long committed = (await _d.JsonAsync<HostMemoryInfo>("host", "memory")).CommittedMib;
        Assert.InRange(committed, 192, (4 * 192) - 1);

        // The parent goes; its forks run on, and the RAM file stays while they map it.
        (await _d.CliAsync("delete", "web", "--force")).Ok();
        foreach (string vm in forks)
        {
            int before = MemCheck.Passes(await _d.ConsoleLogAsync(vm)).Max();
            string log = await MemCheck.WaitForPassAsync(_d, vm, before + 2);
            Assert.False(MemCheck.FoundStale(log), log);
        }

        Assert.Single(ForkDirs());
        foreach (string vm in forks)
        {
            (await _d.CliAsync("delete", vm, "--force")).Ok();
        }

        await WaitAsync(() => ForkDirs().Count == 0 && RamFiles().Count == 0, "the fork's folder and RAM files to go with the last VM mapping them");
        Assert.Empty(_d.Qemus());
    }

    [Fact]
    public async Task HospesdKilledMidFork_AfterRestart_EachForkRunsOrIsGone_TheParentRuns_AndNoRamFileIsLeft()
    {
        // Each with a writable store disk too: a kill must leave no overlay or fork base that nothing uses.
        await StartWebAsync(dataDisk: true);
        await StartWebAsync("two", dataDisk: true);

        // Killed at the fork point (its state file appears), then while the forks' QEMUs start.
        foreach ((string parent, Func<int, bool> when, string what) in new (string, Func<int, bool>, string)[]
        {
            ("web", _ => ForkDirs().Any(d => File.Exists(Path.Combine(d, "state"))), "the fork point to begin"),
            ("two", before => _d.Qemus().Count >= before + 2, "two forks' QEMUs to start"),
        })
        {
            int before = _d.Qemus().Count;
            Task<CliResult> fork = _d.CliAsync("fork", parent, parent + "-k{i}", "--count", "3");
            await WaitAsync(() => when(before), what);
            await _d.KillHardAsync();
            await fork;
            await _d.RestartAsync();

            List<VmInfo> vms = await _d.ListAsync();
            Assert.All(vms, v => Assert.Equal(VmState.Running, v.State));
            Assert.Contains(vms, v => v.Name == parent);
            Assert.Equal(vms.Count, _d.Qemus().Count);
            foreach (VmInfo v in vms)
            {
                Assert.Contains("up", (await GuestShell.RunAsync(_d, v.Name, "echo up")).Split('\n').Select(l => l.Trim()));
            }

            // Nothing of a fork is left but what runs maps: a fork's folder stays only while a QEMU maps its RAM file (the
            // parent restored from the fork point, or forks that run). Which is the case depends on when the kill came.
            string[] mapped = [.. _d.Qemus().Select(pid => File.ReadAllText($"/proc/{pid}/cmdline"))];
            Assert.All(ForkDirs(), dir => Assert.Contains(mapped, c => c.Contains(Path.Combine(dir, "ram") + ",", StringComparison.Ordinal)));

            // Every disk file is a volume's, every volume's file is there, and each VM's disk still reads what its parent wrote.
            Assert.DoesNotContain("no volume row names", (await _d.CliAsync("disk", "check")).Ok().Stdout, StringComparison.Ordinal);
            foreach (VmInfo v in vms)
            {
                string disk = (await GuestShell.RunAsync(_d, v.Name, "echo \"disk=$(head -c 4 /dev/vdb)\"")).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("disk=", StringComparison.Ordinal));
                Assert.Equal("disk=" + v.Name[..3], disk); // web's forks and web read "web", two's "two"
            }
        }

        foreach (VmInfo v in await _d.ListAsync())
        {
            (await _d.CliAsync("delete", v.Name, "--force")).Ok();
        }

        (await _d.CliAsync("disk", "delete", "data-web")).Ok();
        (await _d.CliAsync("disk", "delete", "data-two")).Ok();
        await WaitAsync(() => ForkDirs().Count == 0 && RamFiles().Count == 0, "every RAM file to go with the last VM");
        await WaitAsync(() => !Directory.Exists(Path.Combine(_d.StateDir, "forks")) || !Directory.EnumerateFileSystemEntries(Path.Combine(_d.StateDir, "forks")).Any(), "every fork base to go with the last disk on it");
        Assert.Empty(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"));
        Assert.DoesNotContain("no volume row names", (await _d.CliAsync("disk", "check")).Ok().Stdout, StringComparison.Ordinal);
    }

    private async Task StartWebAsync(string name = "web", bool dataDisk = false)
    {
        string disk = Path.Combine(_d.Dir, "memcheck.raw");
        if (!File.Exists(disk))
        {
            MemCheck.Disk(_d.Dir);
        }

        string data = "";
        if (dataDisk)
        {
            (await _d.CliAsync("disk", "create", $"data-{name}", "--size", "8M")).Ok();
            data = $", 'image:data-{name},qcow2,xvdb,w'";
        }

        await Guest.CreateAsync(_d, name, $"forkable = 1\ndisk = [ 'file:{disk},xvda,r'{data} ]\nvif = [ 'bridge=lab0' ]");
        if (dataDisk)
        {
            await GuestShell.RunAsync(_d, name, $"printf '%-4s' {name[..3]} | dd of=/dev/vdb bs=4 count=1 conv=fsync 2>/dev/null; sync");
        }

        await GuestShell.RunAsync(_d, name, MemCheck.Start(16, intervalMs: 200));
        await MemCheck.WaitForPassAsync(_d, name, 2);
        string own = $"{(await _d.InfoAsync(name)).Uuid:N}.ram";
        Assert.Contains(RamFiles(), f => f.EndsWith(own, StringComparison.Ordinal));
    }

    /// <summary>What the guest's /tmp/who holds (after <paramref name="first"/>); the memory checker's lines on the console are skipped.</summary>
    private async Task<string> WhoAsync(string vm, string first = "")
    {
        string output = await GuestShell.RunAsync(_d, vm, first + "echo \"who=$(cat /tmp/who)\"");
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("who=", StringComparison.Ordinal))["who=".Length..];
    }


    private List<string> ForkDirs() => Directory.Exists(_d.RamRoot) ? [.. Directory.EnumerateDirectories(_d.RamRoot, "fork-*")] : [];

    private List<string> RamFiles() => Directory.Exists(_d.RamRoot) ? [.. Directory.EnumerateFiles(_d.RamRoot, "*.ram")] : [];

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 30 s for {what}");
            await Task.Delay(100);
        }
    }
}
