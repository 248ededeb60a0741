using Hospes.Storage.QemuImg;
using Hospes.Storage.Tests.Tiny.Support;

namespace Hospes.Storage.Tests.QemuImg;

/// <summary>Images from elsewhere that name other files of the host are recognised from their first bytes, before qemu-img opens them.</summary>
public sealed class ImageHeaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("qcow2")]
    [InlineData(null)]
    public async Task AQcow2WithAnExternalDataFile_NamesAnotherFile(string? format)
    {
        string path = _dir.File("d.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", "-o", $"data_file={_dir.File("d.raw")}", path, "1M");

        string? problem = await ImageHeader.NamesOtherFilesAsync(path, format, CancellationToken.None);

        Assert.Equal("it is a qcow2 image whose data lives in an external data file (another file of the host)", problem);
    }

    [Theory]
    [InlineData("vmdk")]
    [InlineData(null)]
    public async Task AVmdkDescriptorWithAnExtentElsewhere_NamesAnotherFile(string? format)
    {
        string path = _dir.File("d.vmdk");
        await File.WriteAllTextAsync(path, """
            # Disk DescriptorFile
            version=1
            CID=fffffffe
            parentCID=ffffffff
            createType="monolithicFlat"

            RW 2048 FLAT "/etc/shadow" 0

            ddb.virtualHWVersion = "4"
            """);

        string? problem = await ImageHeader.NamesOtherFilesAsync(path, format, CancellationToken.None);

        Assert.StartsWith("it is a VMDK descriptor", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qcow2")]
    [InlineData("vmdk")]
    [InlineData("vdi")]
    [InlineData("raw")]
    public async Task AnImageThatHoldsItsOwnData_NamesNoOtherFile(string format)
    {
        string path = _dir.File($"d.{format}");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", format, path, "1M");

        Assert.Null(await ImageHeader.NamesOtherFilesAsync(path, format, CancellationToken.None));
        Assert.Null(await ImageHeader.NamesOtherFilesAsync(path, null, CancellationToken.None));
    }

    [Fact]
    public async Task DescriptorTextInAFileImportedAsRaw_IsJustBytes()
    {
        string path = _dir.File("notes.img");
        await File.WriteAllTextAsync(path, "# Disk DescriptorFile\nRW 2048 FLAT \"/etc/shadow\" 0\n");

        Assert.Null(await ImageHeader.NamesOtherFilesAsync(path, "raw", CancellationToken.None));
    }

    public void Dispose() => _dir.Dispose();
}
