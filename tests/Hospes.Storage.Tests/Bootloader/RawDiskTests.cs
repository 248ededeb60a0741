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

    // #31: hospesd killed while pygrub reads a qcow2 leaves the daemonized qemu-storage-daemon and its FUSE mount in the
    // VM's boot folder; the folder could not be deleted (EBUSY) and the disk stayed open. The next start stops them.
    [Fact]
    public async Task FuseExportLeftByAKilledHospesd_IsStoppedByTheStartUpCleanup_AndTheVmFolderCanGo()
    {
        string qcow2 = _dir.File("d.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", qcow2, "4M");
        string vm = _dir.Combine("vms", Guid.NewGuid().ToString());
        string boot = Directory.CreateDirectory(Path.Combine(vm, "boot")).FullName;
        RawDisk left = (await RawDisk.OpenAsync(new Img(), qcow2, "qcow2", boot, preferFuse: true, CancellationToken.None)).Value;
        Assert.Equal("fuse", left.Access);
        try
        {
            // hospesd is gone: nobody disposes the export.
            IReadOnlyList<string> report = await BootExportCleanup.StopUnderAsync(_dir.Combine("vms"));

            Assert.Equal([$"stopped the FUSE export {left.Path}: a boot-loader run cut off by a kill of hospesd left it mounted"], report);
            Assert.DoesNotContain(left.Path, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
            Directory.Delete(vm, recursive: true);
        }
        finally
        {
            if ((await File.ReadAllTextAsync("/proc/self/mountinfo")).Contains(left.Path, StringComparison.Ordinal))
            {
                await left.DisposeAsync();
            }
        }
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
