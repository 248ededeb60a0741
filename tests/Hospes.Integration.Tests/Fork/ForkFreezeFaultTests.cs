using System.Security.Cryptography;
using System.Text;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// hospesd killed (kill -9) in the paths that freeze a VM at a fork point (issue 16): `fork --freeze`, `template create
/// --running`, `clone --instant`. After a restart every VM runs or is gone, except a template of running state, which is
/// recorded whole (frozen, its RAM file and disks' bases there, forkable again) or undone; no RAM file, fork folder,
/// overlay or VM folder is left that nothing uses; `hospes disk check` is clean.
/// </summary>
public sealed class ForkFreezeFaultTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    private string RamRoot => Path.Combine("/dev/shm/hospes", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(_d.StateDir))))[..16]);

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync()
    {
        string ramRoot = RamRoot;
        await _d.DisposeAsync();
        // A failed test leaves its RAM files on tmpfs (hospesd was killed with its guests): they are host memory.
        if (Directory.Exists(ramRoot))
        {
            Directory.Delete(ramRoot, recursive: true);
        }
    }

    [Fact]
    public async Task HospesdKilledWhileFreezing_AfterRestart_TemplatesAreWholeOrUndone_ForksRunOrAreGone_NothingIsLeft()
    {
        await StartAsync("web");
        await StartAsync("two");
        await StartAsync("thr");
        (await _d.CliAsync("template", "create", "thr", "--running", "--name", "thr-live")).Ok();

        // 1. fork --freeze, killed once the parent is recorded frozen (its forks start then).
        await KillDuringAsync(["fork", "web", "f-{i}", "--count", "4", "--freeze"], async () => (await _d.InfoAsync("web")).State == VmState.Saved, "web to be frozen");
        VmInfo web = await _d.InfoAsync("web");
        Assert.True(web.State is VmState.Saved or VmState.Running, $"web is {web.State}");

        // 2. template create --running, killed at its fork point (the state file is written).
        int dirs = ForkDirs().Count;
        await KillDuringAsync(["template", "create", "two", "--running", "--name", "two-live"], () => Task.FromResult(ForkDirs().Count > dirs && ForkDirs().Any(d => File.Exists(Path.Combine(d, "state")))), "two's fork point");
        Assert.Equal(VmState.Running, (await _d.InfoAsync("two")).State);

        // 3. clone --instant of a template, killed while its forks' QEMUs start.
        int qemus = _d.Qemus().Count;
        await KillDuringAsync(["clone", "thr-live", "c-{i}", "--count", "4", "--instant"], () => Task.FromResult(_d.Qemus().Count >= qemus + 2), "two clones' QEMUs");
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("thr-live")).State);

        // 4. A fork of thr, which runs on thr-live's fork point's memory: thr is first saved whole and restored to memory of
        // its own; killed during that save. After the restart thr runs (restored, or the save undone) and the file is gone.
        string whole = Path.Combine(_d.StateDir, "vms", (await _d.InfoAsync("thr")).Uuid.ToString(), "own-memory.save");
        await KillDuringAsync(["fork", "thr", "t-{i}", "--count", "2"], () => Task.FromResult(File.Exists(whole)), "thr's save to memory of its own");
        Assert.Equal(VmState.Running, (await _d.InfoAsync("thr")).State);
        Assert.False(File.Exists(whole), $"{whole} was left");
        (await _d.CliAsync("fork", "thr", "u-1")).Ok();
        Assert.Equal("disk=thr who=thr", await DiskAndWhoAsync("u-1"));

        // Each template that stayed is whole: it forks again, and its forks read the disk and memory of the fork point.
        foreach (TemplateInfo t in await _d.JsonAsync<List<TemplateInfo>>("template", "list"))
        {
            Assert.True(t.Running, $"{t.Name} is listed as a template but not of running state");
            string clone = "x-" + t.Name;
            (await _d.CliAsync("clone", t.Name, clone, "--instant")).Ok();
            Assert.Equal($"disk={t.Name[..3]} who={t.Name[..3]}", await DiskAndWhoAsync(clone));
        }

        foreach (VmInfo v in await _d.ListAsync())
        {
            (await _d.CliAsync("delete", v.Name, "--force")).Ok();
        }

        foreach (string disk in (string[])["data-web", "data-two", "data-thr"])
        {
            (await _d.CliAsync("disk", "delete", disk)).Ok();
        }

        await WaitAsync(() => Task.FromResult((!Directory.Exists(RamRoot) || !Directory.EnumerateFileSystemEntries(RamRoot).Any()) && !ForkBases().Any()), "every RAM file and fork base to go with the last VM");
        Assert.Empty(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"));
        Assert.Empty(_d.Qemus());
    }

    /// <summary>Runs the command, kills hospesd when <paramref name="when"/> holds, starts it again and checks what is left.</summary>
    private async Task KillDuringAsync(string[] command, Func<Task<bool>> when, string what)
    {
        Task<CliResult> running = _d.CliAsync(command);
        await WaitAsync(when, what);
        await _d.KillHardAsync();
        await running;
        await _d.RestartAsync();
        await AssertWholeAsync(string.Join(' ', command));
    }

    private async Task AssertWholeAsync(string after)
    {
        List<VmInfo> vms = await _d.ListAsync();
        HashSet<string> templates = [.. (await _d.JsonAsync<List<TemplateInfo>>("template", "list")).Where(t => t.Running).Select(t => t.Name)];
        foreach (VmInfo v in vms)
        {
            Assert.True(v.State == VmState.Running || (v.State == VmState.Saved && templates.Contains(v.Name)), $"after {after}: {v.Name} is {v.State} ({v.LastError})");
        }

        Assert.Equal(vms.Count(v => v.State == VmState.Running), _d.Qemus().Count);
        Assert.Equal(vms.Count, _d.VmDirs().Count);
        foreach (VmInfo v in vms.Where(v => v.State == VmState.Running))
        {
            string origin = v.Name switch
            {
                var n when n.StartsWith("f-", StringComparison.Ordinal) => "web",
                var n when n.StartsWith("c-", StringComparison.Ordinal) || n.StartsWith("t-", StringComparison.Ordinal) || n.StartsWith("u-", StringComparison.Ordinal) => "thr",
                var n => n[..3],
            };
            Assert.Equal($"disk={origin} who={origin}", await DiskAndWhoAsync(v.Name));
        }

        // A fork folder stays only while a QEMU maps its RAM file or a template of running state names it.
        string[] mapped = [.. _d.Qemus().Select(pid => File.ReadAllText($"/proc/{pid}/cmdline"))];
        List<string> unmapped = [.. ForkDirs().Where(dir => !mapped.Any(c => c.Contains(Path.Combine(dir, "ram") + ",", StringComparison.Ordinal)))];
        Assert.True(unmapped.Count <= vms.Count(v => v.State == VmState.Saved), $"after {after}: fork folders nothing maps: {string.Join(", ", unmapped)}");
        Assert.DoesNotContain("no volume row names", (await _d.CliAsync("disk", "check")).Ok().Stdout, StringComparison.Ordinal);
    }

    /// <summary>A running guest with a store disk whose first bytes, and whose /tmp/who, hold the first 3 letters of its name.</summary>
    private async Task StartAsync(string name)
    {
        (await _d.CliAsync("disk", "create", $"data-{name}", "--size", "8M")).Ok();
        await Guest.CreateAsync(_d, name, $"forkable = 1\ndisk = [ 'image:data-{name},qcow2,xvda,w' ]");
        await GuestShell.RunAsync(_d, name, $"echo {name[..3]} > /tmp/who; printf '%-4s' {name[..3]} | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");
    }

    private async Task<string> DiskAndWhoAsync(string vm)
    {
        string output = await GuestShell.RunAsync(_d, vm, "echo 3 > /proc/sys/vm/drop_caches; echo \"disk=$(head -c 3 /dev/vda) who=$(cat /tmp/who)\"");
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("disk=", StringComparison.Ordinal));
    }

    private List<string> ForkDirs() => Directory.Exists(RamRoot) ? [.. Directory.EnumerateDirectories(RamRoot, "fork-*")] : [];

    private IEnumerable<string> ForkBases()
    {
        string forks = Path.Combine(_d.StateDir, "forks");
        return Directory.Exists(forks) ? Directory.EnumerateFileSystemEntries(forks) : [];
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 90 s for {what}");
            await Task.Delay(50);
        }
    }
}
