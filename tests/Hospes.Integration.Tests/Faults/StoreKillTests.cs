using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Faults;

public sealed class StoreKillTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task KillNineOfHospesd_InTheMiddleOfAMassClone_LeavesAConsistentStoreAfterRestart()
    {
        string disk = await Disks.Ext4Async(_d.Dir, "data", new Dictionary<string, string> { ["data.txt"] = "base\n" });
        (await _d.CliAsync("image", "import", disk, "--name", "data")).Ok();
        string cfg = _d.WriteConfig("base.cfg", Guest.Config("base", "disk = [ 'image:data,qcow2,xvda,w' ]"));
        (await _d.CliAsync("define", cfg)).Ok();
        TemplateInfo tmpl = await _d.JsonAsync<TemplateInfo>("template", "create", "base", "--name", "tmpl");
        string basePath = tmpl.Disks.Single().Path;
        string before = Disks.Sha256(basePath);

        Task<CliResult> clone = _d.CliAsync("clone", "tmpl", "k-{i}", "--count", "200");
        string vmsDir = Path.Combine(_d.StateDir, "vms");
        while (Directory.GetDirectories(vmsDir).Length < 12 && !clone.IsCompleted)
        {
            await Task.Delay(5);
        }

        await _d.KillHardAsync();
        Assert.NotEqual(0, (await clone).ExitCode);
        await _d.RestartAsync();

        List<VmInfo> vms = await _d.ListAsync();
        var clones = vms.Where(v => v.Name.StartsWith("k-", StringComparison.Ordinal)).ToList();
        Assert.InRange(clones.Count, 1, 199);

        // No folder without its VM, no VM without its disk; every overlay sits on the template, unchanged.
        Assert.Equal(vms.Select(v => v.Uuid.ToString()).Order(), Directory.GetDirectories(vmsDir).Select(Path.GetFileName).Order());
        foreach (VmInfo c in clones)
        {
            string own = c.Spec!.Disks.Single().Target;
            Assert.True(File.Exists(own), $"{c.Name}: {own} is missing");
            Assert.Equal(basePath, await Disks.BackingOfAsync(own));
        }

        List<VolumeInfo> volumes = await _d.JsonAsync<List<VolumeInfo>>("disk", "list");
        Assert.Equal(clones.Count, volumes.Count(v => v.Name.StartsWith("k-", StringComparison.Ordinal)));
        CliResult check = await _d.CliAsync("disk", "check");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Equal(before, Disks.Sha256(basePath));

        // The clones that were made are whole VMs, and the run can be finished.
        CliResult rest = await _d.CliAsync("clone", "tmpl", "k-{i}", "--count", "200");
        Assert.Contains($"{200 - clones.Count} of 200 clone(s) created", rest.Stdout, StringComparison.Ordinal);
        Assert.Equal(201, (await _d.ListAsync()).Count);
        (await _d.CliAsync("start", clones[0].Name)).Ok();
        await _d.WaitForConsoleAsync(clones[0].Name, Guest.Ready);
        Assert.Equal("base", await GuestShell.RunAsync(_d, clones[0].Name, "cat /mnt/data.txt"));
    }
}
