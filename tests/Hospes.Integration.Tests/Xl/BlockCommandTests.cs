using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>xl's disk commands on a real guest through the real CLI: block-attach (hot-plug, kept for the next start), block-list, block-detach.</summary>
public sealed class BlockCommandTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string Marker = "hospes-block-attach";
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task BlockAttach_PlugsADiskTheGuestReads_KeptForItsNextStart_AndBlockDetachTakesItBack()
    {
        // qcow2 disks, so a snapshot is refused for what was plugged, not for a raw disk.
        string boot = Path.Combine(_d.Dir, "boot.qcow2");
        string raw = Path.Combine(_d.Dir, "data.img");
        string data = Path.Combine(_d.Dir, "data.qcow2");
        await Run.ToolAsync("qemu-img", "create", "-q", "-f", "qcow2", boot, "1M");
        await using (FileStream f = File.Create(raw))
        {
            f.Write(System.Text.Encoding.ASCII.GetBytes(Marker));
            f.SetLength(1 << 20);
        }

        await Run.ToolAsync("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, data);

        // q35 (hot-plug root ports); a disk at boot, so the tiny guest loads virtio_blk.
        await Guest.CreateAsync(_d, "blk", $"machine = 'q35'\ndisk = [ '{boot},qcow2,xvda,w' ]");

        CliResult attached = (await _d.CliAsync("block-attach", "blk", $"{data},qcow2,xvdb,w")).Ok();
        Assert.Contains("xvdb", attached.Stdout, StringComparison.Ordinal);
        Assert.Equal(Marker, await GuestShell.RunAsync(_d, "blk", $"for i in $(seq 100); do [ -b /dev/vdb ] && break; usleep 100000; done; head -c {Marker.Length} /dev/vdb; echo"));
        BlockInfo[] disks = await _d.JsonAsync<BlockInfo[]>("block-list", "blk");
        Assert.Equal(["xvda", "xvdb"], disks.Select(b => b.Vdev));
        Assert.Equal(("w", data), (disks[1].Mode, disks[1].Target));

        // Bad input: nothing changes.
        Assert.Contains("has a disk xvdb already", (await _d.CliAsync("block-attach", "blk", $"file:{data},xvdb,w")).Fails(), StringComparison.Ordinal);
        Assert.Contains($"file {_d.Dir}/none.img does not exist", (await _d.CliAsync("block-attach", "blk", $"file:{_d.Dir}/none.img,xvdc,w")).Fails(), StringComparison.Ordinal);
        Assert.Contains("no vdev", (await _d.CliAsync("block-attach", "blk", $"file:{data}")).Fails(), StringComparison.Ordinal);
        Assert.Contains("xvda is its boot disk", (await _d.CliAsync("block-detach", "blk", "xvda")).Fails(), StringComparison.Ordinal);
        Assert.Contains("blk has no disk xvdq; it has disks xvda, xvdb", (await _d.CliAsync("block-detach", "blk", "xvdq")).Fails(), StringComparison.Ordinal);

        // A QEMU built again from the spec would have xvdb elsewhere: no save (nor migration) until the next start.
        string save = Path.Combine(_d.Dir, "blk.save");
        Assert.Contains("plugged while it runs", (await _d.CliAsync("save", "blk", save)).Fails(), StringComparison.Ordinal);
        Assert.False(File.Exists(save));
        Assert.Contains("blk cannot be snapshotted now: device", (await _d.CliAsync("snapshot", "create", "blk", "plugged")).Fails(), StringComparison.Ordinal);
        Assert.Empty(await _d.JsonAsync<List<SnapshotInfo>>("snapshot", "list", "blk"));

        // Kept in the spec: there at the next start, and now saved and restored with it.
        (await _d.CliAsync("destroy", "blk")).Ok();
        (await _d.CliAsync("start", "blk")).Ok();
        await _d.WaitForConsoleAsync("blk", Guest.Ready, count: 2);
        Assert.Equal(Marker, await GuestShell.RunAsync(_d, "blk", $"head -c {Marker.Length} /dev/vdb; echo"));
        (await _d.CliAsync("save", "blk", save)).Ok();
        (await _d.CliAsync("restore", save)).Ok();
        Assert.Equal(Marker, await GuestShell.RunAsync(_d, "blk", $"head -c {Marker.Length} /dev/vdb; echo"));

        // Given back by the guest while it runs, and gone from the spec.
        (await _d.CliAsync("block-detach", "blk", "xvdb")).Ok();
        Assert.Equal("gone", await GuestShell.RunAsync(_d, "blk", "for i in $(seq 100); do [ -b /dev/vdb ] || break; usleep 100000; done; [ -b /dev/vdb ] && echo there || echo gone"));
        Assert.Equal(["xvda"], (await _d.JsonAsync<BlockInfo[]>("block-list", "blk")).Select(b => b.Vdev));
    }
}
