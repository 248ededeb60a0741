using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Storage;

public sealed class TemplateCloneTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;
    private NetNs _ns = null!;

    // The VMs have a vif on the default network: hospesd runs in a namespace of the test's own.
    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task LinkedClones_ReadTheTemplatesData_SeeOnlyTheirOwnWrites_AndLeaveTheBaseUnchanged()
    {
        TemplateInfo tmpl = await MakeTemplateAsync();
        string basePath = Assert.Single(tmpl.Disks).Path;
        string before = Disks.Sha256(basePath);

        CliResult cloned = (await _d.CliAsync("clone", "tmpl", "c-{i}", "--count", "3", "--start")).Ok();
        Assert.Contains("3 of 3 clone(s) created, 3 ready, 0 failed", cloned.Stdout, StringComparison.Ordinal);

        foreach (string vm in new[] { "c-1", "c-2", "c-3" })
        {
            Assert.Equal("from the template", await GuestShell.RunAsync(_d, vm, "cat /mnt/data.txt"));
            Assert.Equal(vm, await GuestShell.RunAsync(_d, vm, "hostname"));
            await GuestShell.RunAsync(_d, vm, $"echo mine-{vm} > /mnt/own.txt; sync");
        }

        foreach (string vm in new[] { "c-1", "c-2", "c-3" })
        {
            Assert.Equal($"mine-{vm}", await GuestShell.RunAsync(_d, vm, "cat /mnt/own.txt"));
        }

        List<VmInfo> vms = await _d.ListAsync();
        var clones = vms.Where(v => v.Name.StartsWith("c-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, clones.Select(v => v.Uuid).Distinct().Count());
        Assert.Equal(3, clones.Select(v => v.Spec!.Vifs.Single().Mac).Distinct().Count());
        Assert.Equal(3, clones.Select(v => v.Spec!.Vifs.Single().Ip).Distinct().Count());
        Assert.All(clones, v => Assert.StartsWith("10.254.", v.Spec!.Vifs.Single().Ip, StringComparison.Ordinal));
        foreach (VmInfo c in clones)
        {
            string disk = c.Spec!.Disks.Single().Target;
            Assert.StartsWith(Path.Combine(_d.StateDir, "vms", c.Uuid.ToString()), disk, StringComparison.Ordinal);
            Assert.Equal(basePath, await Disks.BackingOfAsync(disk));
        }

        foreach (string vm in new[] { "c-1", "c-2", "c-3" })
        {
            (await _d.CliAsync("shutdown", vm)).Ok();
        }

        Assert.Equal(before, Disks.Sha256(basePath));
        CliResult check = (await _d.CliAsync("disk", "check")).Ok();
        Assert.Contains("all clean", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplateDelete_WithLinkedClones_IsRefusedNamingThem_AndAllowedOnceTheyAreGone()
    {
        await MakeTemplateAsync();
        (await _d.CliAsync("clone", "tmpl", "dep-{i}", "--count", "2")).Ok();
        (await _d.CliAsync("clone", "tmpl", "solo", "--full")).Ok();

        string reason = (await _d.CliAsync("template", "delete", "tmpl")).Fails();
        Assert.Contains("dep-1, dep-2", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("solo", reason, StringComparison.Ordinal);

        VmInfo solo = await _d.InfoAsync("solo");
        Assert.Null(await Disks.BackingOfAsync(solo.Spec!.Disks.Single().Target));

        (await _d.CliAsync("delete", "dep-1")).Ok();
        (await _d.CliAsync("delete", "dep-2")).Ok();
        (await _d.CliAsync("template", "delete", "tmpl")).Ok();
        Assert.False(Directory.Exists(Path.Combine(_d.StateDir, "templates", "tmpl")));

        // The full clone stands on its own.
        (await _d.CliAsync("start", "solo")).Ok();
        await _d.WaitForConsoleAsync("solo", Guest.Ready);
        Assert.Equal("from the template", await GuestShell.RunAsync(_d, "solo", "cat /mnt/data.txt"));
    }

    [Fact]
    public async Task Delete_OfAClone_RemovesTheDiskItOwns_NeverTheTemplateOrTheImage()
    {
        TemplateInfo tmpl = await MakeTemplateAsync();
        (await _d.CliAsync("clone", "tmpl", "gone")).Ok();
        string own = (await _d.InfoAsync("gone")).Spec!.Disks.Single().Target;
        Assert.True(File.Exists(own));

        (await _d.CliAsync("delete", "gone")).Ok();

        Assert.False(File.Exists(own));
        Assert.True(File.Exists(tmpl.Disks.Single().Path));
        Assert.True(File.Exists((await _d.JsonAsync<ImageInfo>("image", "info", "data")).Disk));
        List<VolumeInfo> volumes = await _d.JsonAsync<List<VolumeInfo>>("disk", "list");
        Assert.DoesNotContain(volumes, v => v.Name.StartsWith("gone/", StringComparison.Ordinal));

        // The image stays while the template (its disk keeps the image as backing file) and the base VM use it.
        string reason = (await _d.CliAsync("image", "delete", "data")).Fails();
        Assert.Contains("VM base, template:tmpl/xvda", reason, StringComparison.Ordinal);
        (await _d.CliAsync("template", "delete", "tmpl")).Ok();
        (await _d.CliAsync("delete", "base")).Ok();
        (await _d.CliAsync("image", "delete", "data")).Ok();
        Assert.Empty(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"));
    }

    [Fact]
    public async Task Clone_WithNamesThatAreTaken_FailsThoseOnly()
    {
        await MakeTemplateAsync();
        (await _d.CliAsync("clone", "tmpl", "n-2")).Ok();

        CliResult r = await _d.CliAsync("clone", "tmpl", "n-{i}", "--count", "3");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2 of 3 clone(s) created", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("n-2: a VM named 'n-2' already exists", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, (await _d.ListAsync()).Count); // base, n-1, n-2, n-3
    }

    [Fact]
    public async Task Clone_OfManyWithoutAPattern_IsRefused()
    {
        await MakeTemplateAsync();

        string reason = (await _d.CliAsync("clone", "tmpl", "same", "--count", "2")).Fails();

        Assert.Contains("{i}", reason, StringComparison.Ordinal);
        Assert.Single(await _d.ListAsync());
    }

    [Fact]
    public async Task TemplateCreate_OfARunningVm_IsRefused()
    {
        await ImportDataAsync();
        await Guest.CreateAsync(_d, "base", "disk = [ 'image:data,qcow2,xvda,w' ]\nvif = [ '' ]");

        string reason = (await _d.CliAsync("template", "create", "base", "--name", "tmpl")).Fails();

        Assert.Contains("shut it down first", reason, StringComparison.Ordinal);
        Assert.Empty(await _d.JsonAsync<List<TemplateInfo>>("template", "list"));
    }

    /// <summary>An image with data.txt, a VM on it (its own overlay), stopped, made into template "tmpl".</summary>
    private async Task<TemplateInfo> MakeTemplateAsync()
    {
        await ImportDataAsync();
        await Guest.CreateAsync(_d, "base", "disk = [ 'image:data,qcow2,xvda,w' ]\nvif = [ '' ]");
        Assert.Equal("from the template", await GuestShell.RunAsync(_d, "base", "cat /mnt/data.txt"));
        (await _d.CliAsync("shutdown", "base")).Ok();
        return await _d.JsonAsync<TemplateInfo>("template", "create", "base", "--name", "tmpl");
    }

    private async Task ImportDataAsync()
    {
        string disk = await Disks.Ext4Async(_d.Dir, "data", new Dictionary<string, string> { ["data.txt"] = "from the template\n" });
        (await _d.CliAsync("image", "import", disk, "--name", "data")).Ok();
    }
}
