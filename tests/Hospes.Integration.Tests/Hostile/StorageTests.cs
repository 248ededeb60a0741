using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>Issue 13, cluster C: what a state dir moved by an admin must not cost (#6).</summary>
public sealed class StorageTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly string[] StoreFolders = ["images", "templates", "disks", "vms"];
    private readonly string _root = Directory.CreateTempSubdirectory("hit-move-").FullName;
    private Daemon? _d;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_d is not null)
        {
            await _d.DisposeAsync();
        }

        // The daemons' folders were given (they may move): the whole tree is this test's to remove.
        await HostProcesses.KillAllAsync(_root + "/", "qemu-system");
        Directory.Delete(_root, recursive: true);
    }

    // #6: the DB named its files by absolute paths, so at the next start in a moved (or symlinked) state dir every disk
    // was "unknown" to the store repair, which deleted them. Now they are named relative to the state dir, and a repair
    // never deletes anything.
    [Fact]
    public async Task StateDirMovedThenSymlinked_EveryDiskIsKept_AndTheGuestReadsItsData()
    {
        string first = Path.Combine(_root, "first");
        _d = await StartAsync(first);
        string data = await Disks.Ext4Async(_d.Dir, "data", new Dictionary<string, string> { ["data.txt"] = "kept\n" });
        (await _d.CliAsync("image", "import", data, "--name", "data")).Ok();
        (await _d.CliAsync("disk", "create", "vol", "--size", "16M")).Ok();
        string cfg = _d.WriteConfig("keep.cfg", Guest.Config("keep", "disk = [ 'image:data,qcow2,xvda,w', 'image:vol,qcow2,xvdb,w' ]"));
        (await _d.CliAsync("define", cfg)).Ok();
        Dictionary<string, string> before = Files(_d.StateDir);
        Assert.Contains(before.Keys, k => k.StartsWith("vms/", StringComparison.Ordinal));
        await _d.StopAsync(TimeSpan.FromSeconds(20));
        await _d.DisposeAsync();

        // Moved: the same tree under another name.
        string moved = Path.Combine(_root, "moved");
        Directory.Move(first, moved);
        _d = await StartAsync(moved);
        await AssertKeptAsync(before, moved, moved);
        await _d.StopAsync(TimeSpan.FromSeconds(20));
        await _d.DisposeAsync();

        // Symlinked: hospesd given a link to it.
        string link = Path.Combine(_root, "link");
        Directory.CreateSymbolicLink(link, moved);
        _d = await StartAsync(link);
        await AssertKeptAsync(before, link, moved);

        (await _d.CliAsync("start", "keep")).Ok();
        await _d.WaitForConsoleAsync("keep", Guest.Ready);
        Assert.Equal("kept", await GuestShell.RunAsync(_d, "keep", "cat /mnt/data.txt"));
    }

    // #4: a pygrub guest's disk is the guest's to write. A grub.cfg whose variable doubles at every line, and a sparse
    // 8 GiB "kernel" (it takes no room in the disk), are refused by their bounds: hospesd neither fills its memory nor
    // the state dir, and answers at once afterwards. No guest boots.
    [Theory]
    [InlineData("a=xxxxxxxxxxxxxxxx\n" + "a=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\na=$a$a\n" + "menuentry 'A' { linux /boot/vmlinuz-big $a }\n", "sets a to more than 4096 characters")]
    [InlineData("menuentry 'Big' { linux /boot/vmlinuz-big ro }\n", "bytes, more than the 512 MiB Hospes copies out")]
    public async Task PygrubOnAHostileDisk_IsRefusedByItsBounds_AndHospesdStaysSmallAndResponsive(string grubCfg, string reason)
    {
        _d = await StartAsync(Path.Combine(_root, "d"));
        string content = Path.Combine(_d.Dir, "bootfs");
        Directory.CreateDirectory(Path.Combine(content, "boot", "grub"));
        await File.WriteAllTextAsync(Path.Combine(content, "boot", "grub", "grub.cfg"), grubCfg);
        await using (var big = new FileStream(Path.Combine(content, "boot", "vmlinuz-big"), FileMode.CreateNew))
        {
            big.SetLength(8L << 30);
        }

        string raw = Path.Combine(_d.Dir, "hostile.raw");
        await Disks.ToolAsync("truncate", "-s", "64M", raw);
        await Disks.ToolAsync("mkfs.ext4", "-q", "-F", "-d", content, raw);
        string cfg = _d.WriteConfig("hg.cfg", $"""
            name = "hg"
            bootloader = "pygrub"
            disk = [ 'file:{raw},xvda,w' ]
            """);

        string refused = (await _d.CliAsync("create", cfg)).Fails();

        Assert.Contains(reason, refused, StringComparison.Ordinal);
        Assert.Empty(await _d.ListAsync());
        Assert.Empty(_d.Qemus());
        long written = Directory.EnumerateFiles(_d.StateDir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(written < 512L << 20, $"the state dir holds {written} bytes");
        Assert.Empty(await _d.ListAsync());
    }

    private Task<Daemon> StartAsync(string dir) =>
        Daemon.StartAsync(new DaemonOptions { Dir = dir, Image = Directory.Exists(Path.Combine(dir, "state")) ? null : image, Args = ["--ksm", "off"] });

    private async Task AssertKeptAsync(Dictionary<string, string> before, string dir, string real)
    {
        Dictionary<string, string> now = Files(_d!.StateDir);
        foreach ((string path, string size) in before)
        {
            Assert.True(now.TryGetValue(path, out string? s), $"{path} is gone after the state dir moved to {dir}; hospesd.log:\n{_d.LogTail(30)}");
            Assert.Equal(size, s);
        }

        Assert.False(Directory.Exists(Path.Combine(_d.StateDir, "lost+found")) && Directory.EnumerateFileSystemEntries(Path.Combine(_d.StateDir, "lost+found")).Any(), "nothing goes to lost+found");
        List<VolumeInfo> volumes = await _d.JsonAsync<List<VolumeInfo>>("disk", "list");
        Assert.Contains(volumes, v => v.Name == "vol");
        Assert.All(volumes, v => Assert.True(File.Exists(v.Path) || Directory.Exists(v.Path), $"{v.Name}: {v.Path} does not exist"));
        Assert.All(volumes, v => Assert.True(
            v.Path.StartsWith(dir + "/", StringComparison.Ordinal) || v.Path.StartsWith(real + "/", StringComparison.Ordinal), $"{v.Name}: {v.Path} is not under {dir}"));
        CliResult check = await _d.CliAsync("disk", "check");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
    }

    /// <summary>The disk images under the store's folders, by path in the state dir, with their sizes.</summary>
    private static Dictionary<string, string> Files(string stateDir) =>
        StoreFolders
            .Select(d => Path.Combine(stateDir, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".qcow2", StringComparison.Ordinal) || f.EndsWith(".raw", StringComparison.Ordinal) || f.EndsWith(".img", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(stateDir, f), f => new FileInfo(f).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
