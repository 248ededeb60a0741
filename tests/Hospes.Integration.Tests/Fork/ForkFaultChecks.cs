using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// What the kill tests of forks check (issue 16): hospesd killed (kill -9) in a path that freezes a VM at a fork point or
/// forks a fork. After a restart every VM runs or is gone, except a template of running state, which is recorded whole
/// (frozen, its RAM file and disks' bases there, forkable again) or undone; no RAM file, fork folder, overlay or VM
/// folder is left that nothing uses; `hospes disk check` is clean.
/// </summary>
public abstract class ForkFaultChecks(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    protected Daemon D => _d;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    /// <summary>A failed test's RAM files on tmpfs go with the daemon (Daemon.DisposeAsync deletes its RamRoot).</summary>
    public async Task DisposeAsync() => await _d.DisposeAsync();

    /// <summary>Each template of running state clones again; its clone reads the disk and memory of its fork point. Then everything goes.</summary>
    protected async Task TemplatesWhole_ThenNothingLeftAsync(params string[] disks)
    {
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

        foreach (string disk in disks)
        {
            (await _d.CliAsync("disk", "delete", disk)).Ok();
        }

        await WaitAsync(() => Task.FromResult((!Directory.Exists(_d.RamRoot) || !Directory.EnumerateFileSystemEntries(_d.RamRoot).Any()) && !ForkBases().Any()), "every RAM file and fork base to go with the last VM");
        Assert.Empty(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"));
        Assert.Empty(_d.Qemus());
    }

    /// <summary>Runs the command, kills hospesd when <paramref name="when"/> holds, starts it again and checks what is left.</summary>
    protected async Task KillDuringAsync(string[] command, Func<Task<bool>> when, string what)
    {
        Task<CliResult> running = _d.CliAsync(command);
        await WaitAsync(when, what);
        await _d.KillHardAsync();
        await running;
        await _d.RestartAsync();

        // What the restart settles (a save cut short is finished, then restored) runs in each VM's queue after hospesd
        // answers: wait for it (up to 90 s), then check, so a VM that never settles is named with its state.
        for (DateTime until = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < until; await Task.Delay(200))
        {
            HashSet<string> frozen = [.. (await _d.JsonAsync<List<TemplateInfo>>("template", "list")).Where(t => t.Running).Select(t => t.Name)];
            if ((await _d.ListAsync()).All(v => v.State == VmState.Running || (v.State == VmState.Saved && frozen.Contains(v.Name))))
            {
                break;
            }
        }

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
    protected async Task StartAsync(string name)
    {
        (await _d.CliAsync("disk", "create", $"data-{name}", "--size", "8M")).Ok();
        await Guest.CreateAsync(_d, name, $"forkable = 1\ndisk = [ 'image:data-{name},qcow2,xvda,w' ]");
        await GuestShell.RunAsync(_d, name, $"echo {name[..3]} > /tmp/who; printf '%-4s' {name[..3]} | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");
    }

    protected async Task<string> DiskAndWhoAsync(string vm)
    {
        string output = await GuestShell.RunAsync(_d, vm, "echo 3 > /proc/sys/vm/drop_caches; echo \"disk=$(head -c 3 /dev/vda) who=$(cat /tmp/who)\"");
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("disk=", StringComparison.Ordinal));
    }

    protected List<string> ForkDirs() => Directory.Exists(_d.RamRoot) ? [.. Directory.EnumerateDirectories(_d.RamRoot, "fork-*")] : [];

    private IEnumerable<string> ForkBases()
    {
        string forks = Path.Combine(_d.StateDir, "forks");
        return Directory.Exists(forks) ? Directory.EnumerateFileSystemEntries(forks) : [];
    }

    protected static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 90 s for {what}");
            await Task.Delay(50);
        }
    }
}
