using Hospes.Storage.Bootloader;
using Hospes.Storage.Tests.Tiny.Support;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Tests.Bootloader;

public sealed class RawDiskTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(true, "fuse")]
    [InlineData(false, "converted")]
    public async Task Qcow2_IsReadAsRaw_AndNothingIsLeftAfterwards(bool preferFuse, string access)
    {
        string qcow2 = _dir.File("d.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", qcow2, "4M");
        await Tool.RunAsync("qemu-io", "-c", "write -P 0xab 1M 4k", qcow2);
        string work = _dir.Combine("work");
        Directory.CreateDirectory(work);

        byte[] read = new byte[4096];
        string path;
        await using (RawDisk disk = (await RawDisk.OpenAsync(new Img(), qcow2, "qcow2", work, preferFuse, CancellationToken.None)).Value)
        {
            Assert.Equal(access, disk.Access);
            path = disk.Path;
            await using FileStream f = File.OpenRead(disk.Path);
            Assert.Equal(4 << 20, f.Length);
            f.Position = 1 << 20;
            await f.ReadExactlyAsync(read);
        }

        Assert.All(read, b => Assert.Equal(0xab, b));
        Assert.Empty(Directory.GetFileSystemEntries(work));
        Assert.DoesNotContain(path, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_IsUsedInPlace()
    {
        string raw = _dir.File("d.raw");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "raw", raw, "1M");

        await using RawDisk disk = (await RawDisk.OpenAsync(new Img(), raw, null, _dir.Path, preferFuse: true, CancellationToken.None)).Value;

        Assert.Equal("direct", disk.Access);
        Assert.Equal(raw, disk.Path);
    }

    public void Dispose() => _dir.Dispose();
}
