using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Storage;

public sealed class DiskTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task ADiskCreatedInTheStore_IsAttachedByName_GrowsWhileStopped_AndIsKeptFromDeletionWhileAttached()
    {
        VolumeInfo disk = await _d.JsonAsync<VolumeInfo>("disk", "create", "data", "--size", "64M");
        Assert.Equal(64L << 20, disk.VirtualSizeBytes);
        Assert.Equal("qcow2", disk.Format);

        await Guest.CreateAsync(_d, "user", "disk = [ 'image:data,qcow2,xvda,w' ]");
        Assert.Equal("67108864", await GuestShell.RunAsync(_d, "user", "echo $(( $(cat /sys/block/vda/size) * 512 ))"));

        CliResult check = (await _d.CliAsync("disk", "check")).Ok();
        Assert.Contains("in use by running VM user: qemu-img check skipped", check.Stdout, StringComparison.Ordinal);

        string running = (await _d.CliAsync("disk", "resize", "data", "--size", "128M")).Fails();
        Assert.Contains("in use by VM user (running)", running, StringComparison.Ordinal);

        (await _d.CliAsync("shutdown", "user")).Ok();
        string shrink = (await _d.CliAsync("disk", "resize", "data", "--size", "32M")).Fails();
        Assert.Contains("shrinking", shrink, StringComparison.Ordinal);
        (await _d.CliAsync("disk", "resize", "data", "--size", "128M")).Ok();
        Assert.Equal(128L << 20, (await _d.JsonAsync<VolumeInfo>("disk", "info", "data")).VirtualSizeBytes);

        string attached = (await _d.CliAsync("disk", "delete", "data")).Fails();
        Assert.Contains("attached to VM user", attached, StringComparison.Ordinal);

        (await _d.CliAsync("delete", "user")).Ok();
        Assert.True(File.Exists(disk.Path), "deleting a VM never deletes a store disk it only used");
        (await _d.CliAsync("disk", "delete", "data")).Ok();
        Assert.False(File.Exists(disk.Path));
    }

    [Fact]
    public async Task BadSizesAndNames_AreRefusedBeforeAnythingIsMade()
    {
        Assert.Contains("'8X' is not a size", (await _d.CliAsync("disk", "create", "d", "--size", "8X")).Fails(), StringComparison.Ordinal);
        Assert.Contains("disk name '../x' is not valid", (await _d.CliAsync("disk", "create", "../x", "--size", "8M")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("disk", "create", "d", "--size", "8M")).Ok();
        Assert.Contains("a disk named 'd' already exists", (await _d.CliAsync("disk", "create", "d", "--size", "8M")).Fails(), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(_d.StateDir, "disks")));
    }

    [Fact]
    public async Task AConfigNamingAnImageTheStoreLacks_IsRefused_AndCreatesNothing()
    {
        string cfg = _d.WriteConfig("ghost.cfg", Guest.Config("ghost", "disk = [ 'image:nosuch,qcow2,xvda,w' ]"));

        string reason = (await _d.CliAsync("create", cfg)).Fails();

        Assert.Contains("the store has no disk image named 'nosuch'", reason, StringComparison.Ordinal);
        Assert.Empty(await _d.ListAsync());
        Assert.Empty(_d.VmDirs());
    }
}
