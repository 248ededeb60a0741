using System.Security.Cryptography;
using System.Text;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// Templates of running state (issue 16): `template create --running`, `clone --instant` (any number of times),
/// `fork --freeze`; forks saved, restored and deleted like any VM; the template deleted while its forks run.
/// </summary>
public sealed class ForkTemplateTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    private string RamRoot => Path.Combine("/dev/shm/hospes", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(_d.StateDir))))[..16]);

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync()
    {
        string ramRoot = RamRoot;
        await _d.DisposeAsync();
        if (Directory.Exists(ramRoot))
        {
            Directory.Delete(ramRoot, recursive: true);
        }
    }

    [Fact]
    public async Task RunningTemplate_ClonesInstantlyAgainAndAgain_FreezeKeepsTheParentFrozen_ForksSaveRestoreAndOutliveTheirTemplate()
    {
        (await _d.CliAsync("disk", "create", "data", "--size", "8M")).Ok();
        await Guest.CreateAsync(_d, "web", "forkable = 1\ndisk = [ 'image:data,qcow2,xvda,w' ]");
        await RunAsync("web", "echo web > /tmp/who; printf '%-4s' web | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");

        // A named template of web's running state; web runs on.
        Assert.Contains("give one name, without {i}", (await _d.CliAsync("template", "create", "web", "--running", "--name", "x-{i}")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("template", "create", "web", "--running", "--name", "web-live")).Ok();
        TemplateInfo live = Assert.Single(await _d.JsonAsync<List<TemplateInfo>>("template", "list"));
        Assert.Equal("web-live", live.Name);
        Assert.True(live.Running);
        Assert.Contains("(running state)", (await _d.CliAsync("template", "list")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("web-live")).State);

        // Instant clones of it, twice: each starts as web was (memory and disk), then goes its own way.
        Assert.Contains("--instant and --full do not go together", (await _d.CliAsync("clone", "web-live", "g-{i}", "--instant", "--full")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("clone", "web-live", "g-{i}", "--count", "2", "--instant")).Ok();
        (await _d.CliAsync("clone", "web-live", "h-1", "--instant")).Ok();
        string[] clones = ["g-1", "g-2", "h-1"];
        foreach (string vm in clones)
        {
            Assert.Equal(VmState.Running, (await _d.InfoAsync(vm)).State);
            Assert.Equal("web web", await WhoAsync(vm));
            await RunAsync(vm, $"echo {vm} > /tmp/who; printf '%-4s' {vm} | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");
        }

        await RunAsync("web", "echo web2 > /tmp/who; printf '%-4s' web2 | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");
        foreach (string vm in clones)
        {
            Assert.Equal($"{vm} {vm}", await WhoAsync(vm));
        }

        Assert.Equal("web2 web2", await WhoAsync("web"));
        Assert.Equal(clones, (await _d.JsonAsync<TemplateInfo>("template", "info", "web-live")).Clones.Where(c => c != "web"));

        // The template goes (through `delete`: it is a VM); its clones run on. A fork saves, restores and is deleted as any VM.
        Assert.Contains("`hospes delete web-live` deletes it", (await _d.CliAsync("template", "delete", "web-live")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("delete", "web-live")).Ok();
        Assert.Equal("g-1 g-1", await WhoAsync("g-1"));
        string save = Path.Combine(_d.Dir, "g-1.save");
        (await _d.CliAsync("save", "g-1", save)).Ok();
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("g-1")).State);
        (await _d.CliAsync("restore", save)).Ok();
        Assert.Equal("g-1 g-1", await WhoAsync("g-1"));
        (await _d.CliAsync("delete", "g-2", "--force")).Ok();
        Assert.Equal("h-1 h-1", await WhoAsync("h-1"));

        // web runs on its earlier fork point's memory (mapped privately), and so do its clones: a fork of either first gives
        // it memory of its own (saved and restored whole), so the fork sees what it wrote since (web2, h-1).
        (await _d.CliAsync("fork", "web", "f-1")).Ok();
        Assert.Equal("web2 web2", await WhoAsync("f-1"));
        (await _d.CliAsync("fork", "h-1", "f-2")).Ok();
        Assert.Equal("h-1 h-1", await WhoAsync("f-2"));
        Assert.Equal("web2 web2", await WhoAsync("web"));
        Assert.Equal("h-1 h-1", await WhoAsync("h-1"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_d.StateDir, "vms"), "own-memory.save", SearchOption.AllDirectories));

        // --freeze: a fresh guest stays frozen, forked again and again.
        await Guest.CreateAsync(_d, "two", "forkable = 1");
        await RunAsync("two", "echo two > /tmp/who");
        Assert.Contains("two is frozen at the fork point", (await _d.CliAsync("fork", "two", "t-1", "--freeze")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("two")).State);
        // A hospesd killed and started again finds two still frozen, with its RAM file and state, and forks it again.
        await _d.KillHardAsync();
        await _d.RestartAsync();
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("two")).State);
        (await _d.CliAsync("fork", "two", "t-2")).Ok();
        Assert.Contains(await _d.JsonAsync<List<TemplateInfo>>("template", "list"), t => t.Name == "two" && t.Running);
        foreach (string vm in (string[])["t-1", "t-2"])
        {
            Assert.Equal("two", (await RunAsync(vm, "echo \"who=$(cat /tmp/who)\"")).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("who=", StringComparison.Ordinal))["who=".Length..]);
        }

        // `start` continues the frozen VM from its fork point.
        (await _d.CliAsync("start", "two")).Ok();
        Assert.Equal(VmState.Running, (await _d.InfoAsync("two")).State);

        foreach (VmInfo v in await _d.ListAsync())
        {
            (await _d.CliAsync("delete", v.Name, "--force")).Ok();
        }

        (await _d.CliAsync("disk", "delete", "data")).Ok();
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((Directory.Exists(RamRoot) && Directory.EnumerateFileSystemEntries(RamRoot).Any()) || Directory.EnumerateFileSystemEntries(Path.Combine(_d.StateDir, "forks")).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "waited 30 s for the RAM files and fork bases to go with the last VM");
            await Task.Delay(200);
        }

        Assert.DoesNotContain("no volume row names", (await _d.CliAsync("disk", "check")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Empty(_d.Qemus());
    }

    private Task<string> RunAsync(string vm, string command) => GuestShell.RunAsync(_d, vm, command);

    /// <summary>"RAM DISK": what the guest's /tmp/who holds and the first 4 bytes of its disk, read past its cache.</summary>
    private async Task<string> WhoAsync(string vm)
    {
        string output = await RunAsync(vm, "echo 3 > /proc/sys/vm/drop_caches; echo \"who=$(cat /tmp/who) $(head -c 4 /dev/vda)\"");
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("who=", StringComparison.Ordinal))["who=".Length..].Trim();
    }
}
