using System.Text;
using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny.Initramfs;

namespace Hospes.Storage.Tests.Tiny.Initramfs;

/// <summary>The archive is checked by GNU cpio, not by our own reader.</summary>
public sealed class CpioWriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Archive_IsListedBySystemCpio_InWriteOrder()
    {
        string archive = await WriteAsync(SampleEntries());

        string listing = await Tool.RunAsync("cpio", "-t", "--quiet", "-F", archive);

        Assert.Equal(SampleEntries().Select(e => e.Path), listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Archive_ExtractedBySystemCpio_HasContentsModesSymlinksAndDevices()
    {
        string archive = await WriteAsync(SampleEntries());
        string root = _dir.Combine("root");
        Directory.CreateDirectory(root);

        await Tool.RunInAsync(root, "cpio", "-i", "-d", "-m", "--quiet", "--no-absolute-filenames", "-F", archive);

        // Lengths 0..5 cross every padding case of the 4-byte alignment.
        for (int n = 0; n <= 5; n++)
        {
            Assert.Equal(new string('x', n), await File.ReadAllTextAsync(Path.Combine(root, "pad", $"f{new string('n', n)}")));
        }

        Assert.Equal("#!/bin/sh\necho hi\n", await File.ReadAllTextAsync(Path.Combine(root, "etc", "rc")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(root, "etc", "rc")));
        Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(root, "init")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, "root")));
        Assert.Equal("character special file", (await Tool.RunAsync("stat", "-c", "%F", Path.Combine(root, "dev", "console"))).Trim());
        Assert.Equal("5,1", (await Tool.RunAsync("stat", "-c", "%Hr,%Lr", Path.Combine(root, "dev", "console"))).Trim());
    }

    [Fact]
    public async Task Write_AfterFinish_IsRefused()
    {
        using var stream = new MemoryStream();
        var writer = new CpioWriter(stream);
        await writer.FinishAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(CpioEntry.Directory("dev"), CancellationToken.None));
    }

    [Fact]
    public async Task Write_AbsolutePath_IsRefused()
    {
        using var stream = new MemoryStream();
        var writer = new CpioWriter(stream);

        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(CpioEntry.Directory("/dev"), CancellationToken.None));
    }

    [Fact]
    public void Layout_AddsMissingParentsBeforeChildren()
    {
        var layout = new InitramfsLayout();
        layout.Add(CpioEntry.File("usr/share/udhcpc/default.script", "x"u8.ToArray(), 0b111_101_101));
        layout.Add(CpioEntry.Directory("usr", 0b111_000_000));

        Assert.Equal(["usr", "usr/share", "usr/share/udhcpc", "usr/share/udhcpc/default.script"], layout.Entries.Select(e => e.Path));
        Assert.Equal(0b111_000_000, layout.Entries.First().Mode);
        Assert.Throws<InvalidOperationException>(() => layout.Add(CpioEntry.Symlink("usr/share/udhcpc/default.script", "/x")));
    }

    public void Dispose() => _dir.Dispose();

    private static List<CpioEntry> SampleEntries()
    {
        List<CpioEntry> entries =
        [
            CpioEntry.Directory("dev"),
            CpioEntry.CharDevice("dev/console", 0b110_000_000, 5, 1),
            CpioEntry.Directory("etc"),
            CpioEntry.File("etc/rc", Encoding.UTF8.GetBytes("#!/bin/sh\necho hi\n"), 0b111_101_101),
            CpioEntry.Symlink("init", "/bin/busybox"),
            CpioEntry.Directory("pad"),
        ];
        for (int n = 0; n <= 5; n++)
        {
            entries.Add(CpioEntry.File($"pad/f{new string('n', n)}", Encoding.UTF8.GetBytes(new string('x', n)), 0b110_100_100));
        }

        entries.Add(CpioEntry.Directory("root", 0b111_000_000));
        return entries;
    }

    private async Task<string> WriteAsync(IEnumerable<CpioEntry> entries)
    {
        string path = _dir.Combine($"test-{Guid.NewGuid():N}.cpio");
        await using var file = File.Create(path);
        var writer = new CpioWriter(file);
        foreach (CpioEntry entry in entries)
        {
            await writer.WriteAsync(entry, CancellationToken.None);
        }

        await writer.FinishAsync(CancellationToken.None);
        return path;
    }
}
