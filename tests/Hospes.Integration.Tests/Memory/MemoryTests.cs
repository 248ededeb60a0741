using System.Globalization;
using System.Runtime.InteropServices;
using Hospes.Contracts;
using Hospes.Integration.Tests.Support;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Memory;

/// <summary>Balloons, free page reporting, admission control, KSM and the balance policy, on real tiny guests.</summary>
[Collection(HospesTests.Exclusive)]
public sealed class MemoryTests(TinyImage image) : IAsyncLifetime
{
    private const long Mib = 1024 * 1024;
    private readonly List<Daemon> _daemons = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (Daemon d in _daemons)
        {
            await d.DisposeAsync();
        }
    }

    [Fact]
    public async Task MemSet_ShrinksTheQemuProcessOnTheHost_AndTheGuestSeesLess_WithClearErrorsForBadSizes()
    {
        Daemon d = await StartAsync();
        string disk = CacheDisk(d, 384);
        await CreateAsync(d, "web", memory: 448, maxmem: 512, $"disk = [ 'file:{disk},xvda,r' ]");

        // Booted with maxmem, ballooned down to memory as soon as the driver loaded.
        VmMemoryInfo booted = await WaitForVmAsync(d, "web", v => v.Balloon == "active" && v.ActualMib == 448, "the balloon takes web to its memory");
        Assert.Equal(512, booted.BootedMib);
        Assert.True(booted.FreePageReporting, "the tiny guest's driver takes free page reporting");

        // Page cache fills guest memory, and with it the QEMU process on the host.
        await GuestShell.RunAsync(d, "web", "dd if=/dev/vda of=/dev/null bs=1M 2>/dev/null", TimeSpan.FromSeconds(120));
        int pid = (await d.InfoAsync("web")).Pid!.Value;
        long before = Rss(pid);
        long availableBefore = await GuestAvailableAsync(d, "web");
        Assert.True(before > 384 * Mib, $"QEMU holds the guest's cache: RSS {before / Mib} MiB");

        CliResult set = (await d.CliAsync("mem-set", "web", "128")).Ok();
        Assert.Contains("web: memory 128 MiB", set.Stdout, StringComparison.Ordinal);
        await WaitForVmAsync(d, "web", v => v.ActualMib <= 130, "the guest gives back down to 128 MiB");
        await WaitAsync(() => Task.FromResult(Rss(pid) < before - (200 * Mib)), TimeSpan.FromSeconds(30), () => $"QEMU's RSS went from {before / Mib} to only {Rss(pid) / Mib} MiB");
        long availableAfter = await GuestAvailableAsync(d, "web");
        Assert.True(availableAfter < 128 * Mib && availableAfter < availableBefore - (200 * Mib), $"the guest sees less: MemAvailable {availableBefore / Mib} -> {availableAfter / Mib} MiB");
        Assert.Equal(128, (await d.InfoAsync("web")).MemoryMib);

        Assert.Contains("web: 1024 MiB is above its maxmem (512 MiB); raise the ceiling first with `hospes mem-max web 1024`", (await d.CliAsync("mem-set", "web", "1024")).Fails(), StringComparison.Ordinal);
        Assert.Contains("choose at least", (await d.CliAsync("mem-set", "web", "16")).Fails(), StringComparison.Ordinal);
        Assert.Contains("a maxmem above that takes effect only at a start", (await d.CliAsync("mem-max", "web", "2048")).Fails(), StringComparison.Ordinal);
        Assert.Contains("maxmem 64 MiB is below its memory (128 MiB)", (await d.CliAsync("mem-max", "web", "64")).Fails(), StringComparison.Ordinal);
        Assert.Contains("no VM named 'nosuch'", (await d.CliAsync("mem-set", "nosuch", "128")).Fails(), StringComparison.Ordinal);

        await GuestShell.RunAsync(d, "web", "rmmod virtio_balloon");
        Assert.Contains("web: the guest has no balloon driver running (virtio_balloon)", (await d.CliAsync("mem-set", "web", "256")).Fails(), StringComparison.Ordinal);
        await WaitForVmAsync(d, "web", v => v.Balloon == "no-driver", "top shows the driver gone");

        (await d.CliAsync("destroy", "web")).Ok();
        Assert.Contains("cannot mem-set web: it is shutoff; mem-set balloons a running guest", (await d.CliAsync("mem-set", "web", "256")).Fails(), StringComparison.Ordinal);
        VmMemoryInfo stopped = await d.JsonAsync<VmMemoryInfo>("mem-max", "web", "1024");
        Assert.Equal((1024, 128), (stopped.MaxMemoryMib, stopped.MemoryMib));
    }

    [Fact]
    public async Task MemoryTheGuestFrees_ReturnsToTheHost_WithoutAnyCommand()
    {
        Daemon d = await StartAsync();
        await CreateAsync(d, "free", memory: 512, maxmem: 512);
        await WaitForVmAsync(d, "free", v => v.Balloon == "active" && v.FreePageReporting, "the balloon driver with free page reporting");
        int pid = (await d.InfoAsync("free")).Pid!.Value;

        await GuestShell.RunAsync(d, "free", "dd if=/dev/zero of=/tmp/fill bs=1M count=300 2>/dev/null");
        long filled = Rss(pid);
        await GuestShell.RunAsync(d, "free", "rm /tmp/fill");
        await WaitAsync(() => Task.FromResult(Rss(pid) < filled - (200 * Mib)), TimeSpan.FromSeconds(30), () => $"QEMU's RSS stayed at {Rss(pid) / Mib} MiB after the guest freed 300 MiB (was {filled / Mib})");
        Assert.Equal(512, (await d.InfoAsync("free")).MemoryMib);
    }

    [Fact]
    public async Task StartsPastTheOvercommitRatio_OrPastWhatTheHostCanHold_AreRefusedWithTheNumbers_AndLeaveNothing()
    {
        // 24 GiB × 0.01 ≈ 240 MiB: room for one 192 MiB guest, not for two.
        Daemon d = await StartAsync("--memory-overcommit-ratio", "0.01");
        await CreateAsync(d, "one", memory: 192, maxmem: 192);
        string cfg = d.WriteConfig("two.cfg", Config("two", 192, 192));
        string refused = (await d.CliAsync("create", cfg)).Fails();
        Assert.Matches(@"cannot start two: its 192 MiB would commit 384 MiB, past this host's limit of \d+ MiB \(\d+ MiB RAM × overcommit ratio 0\.01; 192 MiB committed now\)", refused);
        Assert.Equal(["one"], (await d.ListAsync()).Select(v => v.Name));
        Assert.Single(d.Qemus());
        HostMemoryInfo host = await d.JsonAsync<HostMemoryInfo>("host", "memory");
        Assert.Equal((192L, 0.01), (host.CommittedMib, host.OvercommitRatio));

        // A reserve larger than what is available: the host cannot hold any guest now.
        long available = host.AvailableMib;
        Daemon full = await StartAsync("--memory-reserve-mib", (available + 4096).ToString(CultureInfo.InvariantCulture));
        string cannot = (await full.CliAsync("create", full.WriteConfig("big.cfg", Config("big", 256, 256)))).Fails();
        Assert.Matches(@"cannot start big: the host cannot hold it now: it needs about 256 MiB; \d+ MiB available, \d+ MiB kept for the host \(memory\.reserve_mib\)", cannot);
        Assert.Empty(await full.ListAsync());
        Assert.Empty(full.Qemus());

        CliResult bad = await Run.ProcessAsync(Repo.Hospesd, ["--state-dir", Path.Combine(full.Dir, "x"), "--socket", Path.Combine(full.Dir, "x.sock"), "--memory-policy", "sometimes"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--memory-policy: memory.policy = sometimes: expected off or balance", bad.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(full.Dir, "x")), "a refused setting leaves no state dir behind");
    }

    [Fact]
    public async Task KsmIsSwitchedOn_WhileTwoGuestsRun_SavesMemory_AndIsPutBackAfter()
    {
        File.WriteAllText("/sys/kernel/mm/ksm/run", "0");
        Daemon d = await StartAsync("--ksm", "auto");
        await CreateAsync(d, "k1", memory: 256, maxmem: 256);
        await WaitAsync(async () => (await d.JsonAsync<HostMemoryInfo>("host", "memory")).VmsRunning == 1, TimeSpan.FromSeconds(10), () => "k1 counted");
        Assert.Equal("0", File.ReadAllText("/sys/kernel/mm/ksm/run").Trim());

        await CreateAsync(d, "k2", memory: 256, maxmem: 256);
        HostMemoryInfo on = await WaitForHostAsync(d, h => h.Ksm is { State: "on", ManagedByHospes: true, SavedMib: > 0 }, TimeSpan.FromSeconds(90), "KSM on and saving");
        Assert.True(on.Ksm.PagesToScan >= 100 && on.Ksm.SleepMs == 20, $"tuned: pages_to_scan {on.Ksm.PagesToScan}, sleep {on.Ksm.SleepMs}");
        Assert.Contains("ksm: on, saving", (await d.CliAsync("top", "--once")).Ok().Stdout, StringComparison.Ordinal);

        (await d.CliAsync("destroy", "k2")).Ok();
        await WaitForHostAsync(d, h => h.Ksm is { State: "off", ManagedByHospes: false }, TimeSpan.FromSeconds(15), "KSM back off with one guest");
        Assert.Equal("0", File.ReadAllText("/sys/kernel/mm/ksm/run").Trim());
    }

    [Fact]
    public async Task ThePolicy_ReclaimsFromIdleGuestsUnderHostPressure_AndGivesItBackWhenThePressureEnds()
    {
        // The reserve sits 3 GiB below what is available now; a memory hog in this test process then pushes
        // the host below it while two guests hold 384 MiB of page cache each.
        long available = (await (await StartAsync()).JsonAsync<HostMemoryInfo>("host", "memory")).AvailableMib;
        long reserve = available - 3072;
        Daemon d = await StartAsync("--memory-reserve-mib", reserve.ToString(CultureInfo.InvariantCulture), "--ksm", "off");
        string[] vms = ["p1", "p2"];
        var rssBefore = new Dictionary<string, long>();
        foreach (string vm in vms)
        {
            await CreateAsync(d, vm, memory: 512, maxmem: 512, $"disk = [ 'file:{CacheDisk(d, 384, vm)},xvda,r' ]");
            await WaitForVmAsync(d, vm, v => v.Balloon == "active", $"{vm}'s balloon driver");
            await GuestShell.RunAsync(d, vm, "dd if=/dev/vda of=/dev/null bs=1M 2>/dev/null", TimeSpan.FromSeconds(120));
            rssBefore[vm] = Rss((await d.InfoAsync(vm)).Pid!.Value);
        }

        using (var hog = new Hog())
        {
            hog.FillUntilAvailableBelow((reserve - 200) * Mib);
            // Whether the host climbs back above its reserve depends on everything else on it; what the policy owes is the
            // squeeze (down to the guests' floors if needed) and the memory it frees, which the guests' QEMUs show. The hog
            // takes up what the host gets back (from the guests, or anything else on it) at each look, so the pressure
            // lasts until both are squeezed: a first step that frees enough, or another process's exit, ended it early once.
            TopInfo squeezed = await WaitForTopAsync(d, t =>
            {
                hog.FillUntilAvailableBelow((reserve - 200) * Mib);
                return vms.All(n => t.Vms.Single(v => v.Name == n) is { TargetMib: <= 256, ActualMib: <= 264 });
            }, TimeSpan.FromSeconds(90), "both guests squeezed");
            Assert.Contains(squeezed.Actions, a => a.Reason.StartsWith("host memory low", StringComparison.Ordinal) && a.ToMib < a.FromMib);
            foreach (string vm in vms)
            {
                VmMemoryInfo v = squeezed.Vms.Single(x => x.Name == vm);
                Assert.True(v.TargetMib >= 64 && v.PolicyReason is not null, $"{vm}: target {v.TargetMib}, reason {v.PolicyReason}");
                Assert.True(Rss((await d.InfoAsync(vm)).Pid!.Value) < rssBefore[vm] - (150 * Mib), $"{vm}'s QEMU gave its cache back to the host");
                Assert.Equal("alive", await GuestShell.RunAsync(d, vm, "echo alive"));
            }

            Assert.Contains("recent policy actions:", (await d.CliAsync("top", "--once")).Ok().Stdout, StringComparison.Ordinal);
        }

        TopInfo relieved = await WaitForTopAsync(d, t => vms.All(n => t.Vms.Single(v => v.Name == n).TargetMib == 512), TimeSpan.FromSeconds(90), "memory given back after the hog exits");
        Assert.Contains(relieved.Actions, a => a.Reason.StartsWith("host memory recovered", StringComparison.Ordinal) && a.ToMib > a.FromMib);
        Assert.Contains("balloon", await File.ReadAllTextAsync(d.LogPath), StringComparison.Ordinal);
    }

    private static string Config(string name, int memory, int maxmem, string extra = "") => $"""
        name = "{name}"
        kernel = "image:tiny"
        memory = {memory}
        maxmem = {maxmem}
        vcpus = 1
        {extra}
        """;

    private static async Task CreateAsync(Daemon d, string name, int memory, int maxmem, string extra = "")
    {
        (await d.CliAsync("create", d.WriteConfig($"{name}.cfg", Config(name, memory, maxmem, extra)))).Ok();
        await d.WaitForConsoleAsync(name, Guest.Ready);
    }

    /// <summary>A sparse raw disk; reading it in the guest fills the guest's page cache (reclaimable memory).</summary>
    private static string CacheDisk(Daemon d, int mib, string name = "cache")
    {
        string path = Path.Combine(d.Dir, name + ".raw");
        using var f = new FileStream(path, FileMode.CreateNew);
        f.SetLength(mib * Mib);
        return path;
    }

    private static long Rss(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<long> GuestAvailableAsync(Daemon d, string vm)
    {
        string line = await GuestShell.RunAsync(d, vm, "grep MemAvailable /proc/meminfo");
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private async Task<Daemon> StartAsync(params string[] args)
    {
        Daemon d = await Daemon.StartAsync(image, null, args);
        _daemons.Add(d);
        return d;
    }

    private static async Task<VmMemoryInfo> WaitForVmAsync(Daemon d, string vm, Func<VmMemoryInfo, bool> condition, string what)
    {
        VmMemoryInfo? last = null;
        await WaitAsync(
            async () => condition(last = (await d.JsonAsync<TopInfo>("top", "--once")).Vms.Single(v => v.Name == vm)),
            TimeSpan.FromSeconds(60),
            () => $"{what}: last seen {last}");
        return last!;
    }

    private static async Task<HostMemoryInfo> WaitForHostAsync(Daemon d, Func<HostMemoryInfo, bool> condition, TimeSpan limit, string what)
    {
        HostMemoryInfo? last = null;
        await WaitAsync(async () => condition(last = await d.JsonAsync<HostMemoryInfo>("host", "memory")), limit, () => $"{what}: last seen {last}");
        return last!;
    }

    private static async Task<TopInfo> WaitForTopAsync(Daemon d, Func<TopInfo, bool> condition, TimeSpan limit, string what)
    {
        TopInfo? last = null;
        await WaitAsync(
            async () => condition(last = await d.JsonAsync<TopInfo>("top", "--once")),
            limit,
            () => $"{what}: last seen host {last?.Host}, vms {string.Join("; ", last?.Vms.Select(v => v.ToString()) ?? [])}, actions {string.Join("; ", last?.Actions.Select(a => a.ToString()) ?? [])}");
        return last!;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> failure)
    {
        DateTime deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(500);
        }
    }

    /// <summary>A host-side memory hog: this test process allocates and touches memory until the host is short.</summary>
    private sealed unsafe class Hog : IDisposable
    {
        private const nuint Chunk = 64 * 1024 * 1024;
        private readonly List<nint> _chunks = [];

        public void FillUntilAvailableBelow(long bytes)
        {
            while (Available() > bytes)
            {
                void* p = NativeMemory.Alloc(Chunk);
                NativeMemory.Fill(p, Chunk, 0x5a);
                _chunks.Add((nint)p);
                Assert.True(_chunks.Count < 512, "the hog stops at 32 GiB");
            }
        }

        public void Dispose()
        {
            foreach (nint p in _chunks)
            {
                NativeMemory.Free((void*)p);
            }
        }

        private static long Available()
        {
            string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return long.Parse(line[13..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
    }
}
