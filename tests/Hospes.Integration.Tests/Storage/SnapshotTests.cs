using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Storage;

public sealed class SnapshotTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task SnapshotOfAStoppedVm_RevertRestoresItsDiskContent()
    {
        await CreateAsync("snap");
        await GuestShell.RunAsync(_d, "snap", "echo one > /mnt/state.txt; sync");
        (await _d.CliAsync("shutdown", "snap")).Ok();

        SnapshotInfo taken = await _d.JsonAsync<SnapshotInfo>("snapshot", "create", "snap", "first");
        Assert.Equal(0, taken.VmStateBytes);
        Assert.Equal(["xvda"], taken.Disks);

        (await _d.CliAsync("start", "snap")).Ok();
        await _d.WaitForConsoleAsync("snap", Guest.Ready, count: 2);
        await GuestShell.RunAsync(_d, "snap", "echo two > /mnt/state.txt; sync");
        (await _d.CliAsync("shutdown", "snap")).Ok();

        (await _d.CliAsync("snapshot", "revert", "snap", "first")).Ok();
        (await _d.CliAsync("start", "snap")).Ok();
        await _d.WaitForConsoleAsync("snap", Guest.Ready, count: 3);

        Assert.Equal("one", await GuestShell.RunAsync(_d, "snap", "cat /mnt/state.txt"));
        Assert.Equal("first", Assert.Single(await _d.JsonAsync<List<SnapshotInfo>>("snapshot", "list", "snap")).Name);
    }

    [Fact]
    public async Task SnapshotOfARunningVm_HoldsItsMemory_AndRevertContinuesFromThere()
    {
        await CreateAsync("live");
        await GuestShell.RunAsync(_d, "live", "echo before > /mnt/state.txt; sync; export MARK=kept-in-memory");

        SnapshotInfo taken = await _d.JsonAsync<SnapshotInfo>("snapshot", "create", "live", "warm");
        Assert.True(taken.VmStateBytes > 0, "a snapshot of a running VM holds its memory");
        Assert.Equal("running", (await _d.InfoAsync("live")).State.ToString().ToLowerInvariant());

        await GuestShell.RunAsync(_d, "live", "echo after > /mnt/state.txt; sync; export MARK=changed");
        (await _d.CliAsync("snapshot", "revert", "live", "warm")).Ok();

        Assert.Equal("before kept-in-memory", await GuestShell.RunAsync(_d, "live", "echo $(cat /mnt/state.txt) $MARK"));
        (await _d.CliAsync("snapshot", "delete", "live", "warm")).Ok();
        Assert.Empty(await _d.JsonAsync<List<SnapshotInfo>>("snapshot", "list", "live"));
    }

    [Fact]
    public async Task Snapshot_OfARawDisk_IsRefusedNamingIt_AndAnUnknownOneIsNamed()
    {
        string raw = Path.Combine(_d.Dir, "plain.raw");
        await Disks.ToolAsync("truncate", "-s", "16M", raw);
        await Guest.CreateAsync(_d, "rawvm", $"disk = [ 'file:{raw},xvda,w' ]");

        string reason = (await _d.CliAsync("snapshot", "create", "rawvm", "s")).Fails();
        Assert.Contains("disk xvda", reason, StringComparison.Ordinal);
        Assert.Contains("raw; snapshots need qcow2", reason, StringComparison.Ordinal);

        await CreateAsync("other");
        string unknown = (await _d.CliAsync("snapshot", "revert", "other", "nope")).Fails();
        Assert.Contains("other has no snapshot named 'nope'", unknown, StringComparison.Ordinal);
    }

    private async Task CreateAsync(string name)
    {
        string disk = await Disks.Ext4Async(_d.Dir, name + "-data", new Dictionary<string, string> { ["hello.txt"] = "hi\n" });
        await Guest.CreateAsync(_d, name, $"disk = [ '{disk},qcow2,xvda,w' ]");
    }
}
