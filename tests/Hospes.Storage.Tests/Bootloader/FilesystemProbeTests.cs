using System.Text;
using Hospes.Storage.Bootloader;
using Hospes.Storage.Tests.Tiny.Support;

namespace Hospes.Storage.Tests.Bootloader;

public sealed class FilesystemProbeTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("ext2")]
    [InlineData("ext3")]
    [InlineData("ext4")]
    public async Task Probe_RealExtFilesystems_NamesTheVariant(string type)
    {
        string image = _dir.File("fs");
        await Tool.RunAsync($"mkfs.{type}", "-q", "-F", image, "4M");

        Assert.Equal(type, await ProbeAsync(image));
    }

    [Fact]
    public async Task Probe_RealSwap_IsSwap()
    {
        string image = await BootDisk.SwapAsync(_dir.Path, "s", 1);

        Assert.Equal("swap", await ProbeAsync(image));
    }

    [Theory]
    [InlineData(0, "XFSB", "xfs")]
    [InlineData(0x10040, "_BHRfS_M", "btrfs")]
    [InlineData(512, "LABELONE", "LVM2_member")]
    [InlineData(3, "NTFS    ", "ntfs")]
    [InlineData(82, "FAT32   ", "vfat")]
    [InlineData(100, "nothing", "unknown")]
    public void Probe_SuperblockMagic(int offset, string magic, string type)
    {
        byte[] head = new byte[0x10048];
        Encoding.Latin1.GetBytes(magic).CopyTo(head, offset);

        Assert.Equal(type, FilesystemProbe.Probe(head));
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<string> ProbeAsync(string image)
    {
        await using FileStream f = File.OpenRead(image);
        return await FilesystemProbe.ProbeAsync(f, 0, CancellationToken.None);
    }
}
