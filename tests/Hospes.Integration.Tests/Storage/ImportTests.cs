using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Storage;

public sealed class ImportTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Theory]
    [InlineData("vmdk")]
    [InlineData("vdi")]
    [InlineData("vhdx")]
    [InlineData("vpc")]
    [InlineData("qcow2")]
    [InlineData("raw")]
    public async Task Import_OfEachFormatMadeByQemuImg_GivesAQcow2ImageWithTheSameData(string format)
    {
        string source = Path.Combine(_d.Dir, $"source.{format}");
        await Disks.ToolAsync("qemu-img", "create", "-f", format, source, "32M");
        await Disks.ToolAsync("qemu-io", "-f", format, "-c", "write -P 0xab 1M 64k", source);

        VolumeInfo imported = await _d.JsonAsync<VolumeInfo>("image", "import", source, "--name", $"img-{format}");

        Assert.Equal("qcow2", imported.Format);
        // vpc rounds the size up to whole cylinders/heads/sectors.
        Assert.InRange(imported.VirtualSizeBytes, 32L << 20, (32L << 20) + (64 << 10));
        Assert.StartsWith(Path.Combine(_d.StateDir, "images"), imported.Path, StringComparison.Ordinal);
        await Disks.ToolAsync("qemu-io", "-r", "-f", "qcow2", "-c", "read -P 0xab 1M 64k", imported.Path);
        await Disks.ToolAsync("qemu-io", "-r", "-f", "qcow2", "-c", "read -P 0 0 64k", imported.Path);
        ImageInfo listed = Assert.Single(await _d.JsonAsync<List<ImageInfo>>("image", "list"), i => i.Name == $"img-{format}");
        Assert.Equal(imported.Path, listed.Disk);
        Assert.Contains("clean", (await _d.CliAsync("disk", "check", $"img-{format}")).Ok().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OfAFileThatIsNotWhatItsNameSays_IsRefused_AndLeavesNothing()
    {
        string fake = Path.Combine(_d.Dir, "broken.vmdk");
        await File.WriteAllTextAsync(fake, "this is not a disk image\n");

        string reason = (await _d.CliAsync("image", "import", fake, "--name", "broken")).Fails();

        Assert.Contains(fake, reason, StringComparison.Ordinal);
        Assert.Contains("not recognise it as vmdk", reason, StringComparison.Ordinal);
        await AssertNothingImportedAsync("broken");
    }

    [Fact]
    public async Task Import_OfACorruptQcow2_IsRefused_AndLeavesNothing()
    {
        string source = Path.Combine(_d.Dir, "corrupt.qcow2");
        await Disks.ToolAsync("qemu-img", "create", "-f", "qcow2", source, "32M");
        await Disks.ToolAsync("qemu-io", "-f", "qcow2", "-c", "write -P 0xcd 0 1M", source);

        // Point the L1 table (offset 40 in the qcow2 header) past the end of the file.
        await using (FileStream f = File.OpenWrite(source))
        {
            f.Seek(40, SeekOrigin.Begin);
            f.Write([0x00, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x00, 0x00]);
        }

        string reason = (await _d.CliAsync("image", "import", source, "--name", "corrupt")).Fails();

        Assert.Contains(source, reason, StringComparison.Ordinal);
        await AssertNothingImportedAsync("corrupt");
    }

    [Fact]
    public async Task Import_WithAMissingBackingFile_IsRefusedNamingIt()
    {
        string basePath = Path.Combine(_d.Dir, "base.qcow2");
        string overlay = Path.Combine(_d.Dir, "overlay.qcow2");
        await Disks.ToolAsync("qemu-img", "create", "-f", "qcow2", basePath, "16M");
        await Disks.ToolAsync("qemu-img", "create", "-f", "qcow2", "-b", basePath, "-F", "qcow2", overlay);
        File.Delete(basePath);

        string reason = (await _d.CliAsync("image", "import", overlay, "--name", "orphan")).Fails();

        Assert.Contains("base.qcow2", reason, StringComparison.Ordinal);
        await AssertNothingImportedAsync("orphan");
    }

    [Fact]
    public async Task Import_UnderANameThatIsTaken_IsRefused()
    {
        string source = Path.Combine(_d.Dir, "a.qcow2");
        await Disks.ToolAsync("qemu-img", "create", "-f", "qcow2", source, "16M");
        (await _d.CliAsync("image", "import", source, "--name", "same")).Ok();

        string reason = (await _d.CliAsync("image", "import", source, "--name", "same")).Fails();

        Assert.Contains("an image named 'same' already exists", reason, StringComparison.Ordinal);
    }

    private async Task AssertNothingImportedAsync(string name)
    {
        string images = Path.Combine(_d.StateDir, "images");
        Assert.DoesNotContain(Directory.GetDirectories(images), d => Path.GetFileName(d).StartsWith(name, StringComparison.Ordinal));
        Assert.DoesNotContain(name, (await _d.CliAsync("disk", "list")).Ok().Stdout, StringComparison.Ordinal);
    }
}
