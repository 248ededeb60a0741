using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// `hospes fork` of a tiny guest with a writable store disk (issue 16): at the fork point the disk's state becomes a
/// read-only base, the parent and each fork write to overlays of their own, the base goes with its last user.
/// </summary>
public sealed class ForkDiskTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    /// <summary>A failed test's RAM files on tmpfs go with the daemon (Daemon.DisposeAsync deletes its RamRoot).</summary>
    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Fork_OfAVmWithAWritableDisk_GivesEachItsOwnOverlayOnTheForkPointsBase_WhichGoesWithTheLastUser()
    {
        (await _d.CliAsync("disk", "create", "data", "--size", "16M")).Ok();
        await Guest.CreateAsync(_d, "web", "forkable = 1\ndisk = [ 'image:data,qcow2,xvda,w' ]");
        // Written before the fork: to the disk itself (synced), not only the guest's cache.
        Assert.Equal("before", await DiskAsync("web", Write("before")));

        ForkResult forked = await _d.JsonAsync<ForkResult>("fork", "web", "web-{i}", "--count", "2");
        Assert.Empty(forked.Failed);
        string[] all = ["web", "web-1", "web-2"];
        VolumeInfo fbase = Assert.Single(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"), v => v.Kind == "fork-base");
        Assert.StartsWith(Path.Combine(_d.StateDir, "forks") + "/", fbase.Path, StringComparison.Ordinal);
        Assert.Equal("fork-base:" + fbase.Name, (await _d.JsonAsync<VolumeInfo>("disk", "info", "data")).Backing);

        // Each sees the disk as it was at the fork point, then writes its own name: nobody sees another's write, even
        // read back from the disk past the guest's cache.
        foreach (string vm in all)
        {
            Assert.Equal("before", await DiskAsync(vm));
        }

        foreach (string vm in all)
        {
            await DiskAsync(vm, Write(vm));
        }

        foreach (string vm in all)
        {
            Assert.Equal(vm, await DiskAsync(vm));
        }

        CliResult check = (await _d.CliAsync("disk", "check")).Ok();
        Assert.DoesNotContain("no volume row names", check.Stdout, StringComparison.Ordinal);

        // The base is read-only and no command deletes it while overlays stand on it; the parent goes, its forks run on.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(fbase.Path));
        (await _d.CliAsync("delete", "web", "--force")).Ok();
        foreach (string vm in (string[])["web-1", "web-2"])
        {
            Assert.Equal(vm, await DiskAsync(vm));
            (await _d.CliAsync("delete", vm, "--force")).Ok();
        }

        // The data disk (now an overlay on the base, detached) still stands on it; with it, the base goes.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.True(File.Exists(fbase.Path));
        (await _d.CliAsync("disk", "delete", "data")).Ok();
        // The sweep deletes the base's file, then its fork point's folder: wait for the folder (a poll between the two
        // saw the file gone and the folder still there).
        string folder = Path.GetDirectoryName(fbase.Path)!;
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists(folder) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.False(File.Exists(fbase.Path), "the fork base outlived its last user");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_d.StateDir, "forks")));
        Assert.Empty(await _d.JsonAsync<List<VolumeInfo>>("disk", "list"));
        check = (await _d.CliAsync("disk", "check")).Ok();
        Assert.DoesNotContain("no volume row names", check.Stdout, StringComparison.Ordinal);
        Assert.Empty(_d.Qemus());
    }

    private static string Write(string text) => $"printf '%-16s' {text} | dd of=/dev/vda bs=16 count=1 conv=fsync 2>/dev/null; sync; ";

    /// <summary>The first 16 bytes of the guest's disk, read past its page cache (after <paramref name="first"/>).</summary>
    private async Task<string> DiskAsync(string vm, string first = "")
    {
        string output = await GuestShell.RunAsync(_d, vm, first + "echo 3 > /proc/sys/vm/drop_caches; echo \"disk=$(head -c 16 /dev/vda)\"");
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("disk=", StringComparison.Ordinal))["disk=".Length..].Trim();
    }
}
