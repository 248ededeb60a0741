using Hospes.Core.Errors;
using Hospes.Storage.QemuImg;
using Hospes.Storage.Tests.Tiny.Support;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Tests.QemuImg;

public sealed class QemuImgInfoTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Img _img = new();

    [Fact]
    public async Task Create_ThenInfo_ReportsFormatAndSize()
    {
        string path = _dir.File("a.qcow2");

        Assert.True((await _img.CreateAsync(path, "qcow2", 16 << 20, CancellationToken.None)).IsOk);
        ImageFileInfo info = (await _img.InfoAsync(path, CancellationToken.None)).Value;

        Assert.Equal("qcow2", info.Format);
        Assert.Equal(16 << 20, info.VirtualSize);
        Assert.True(info.ActualSize > 0);
        Assert.Null(info.BackingFile);
        Assert.Empty(info.BackingChain);
        Assert.False(info.Dirty);
        Assert.False(info.Corrupt);
    }

    [Fact]
    public async Task Create_OverExistingFile_IsRefused()
    {
        string path = _dir.File("a.raw");
        await File.WriteAllTextAsync(path, "keep me");

        Result<bool> made = await _img.CreateAsync(path, "raw", 1 << 20, CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, made.Error?.Code);
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Create_InMissingFolder_NamesFileAndQemuImgsComplaint()
    {
        string path = _dir.Combine("no", "such", "a.qcow2");

        Result<bool> made = await _img.CreateAsync(path, "qcow2", 1 << 20, CancellationToken.None);

        Assert.False(made.IsOk);
        Assert.StartsWith($"qemu-img create {path}: ", made.Error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", made.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlayChain_InfoShowsTheBackingFileAsWritten_WithoutOpeningTheChain()
    {
        string basePath = _dir.File("base.raw");
        string middle = _dir.File("middle.qcow2");
        string top = _dir.File("top.qcow2");
        Assert.True((await _img.CreateAsync(basePath, "raw", 8 << 20, CancellationToken.None)).IsOk);
        Assert.True((await _img.CreateOverlayAsync(middle, basePath, "raw", CancellationToken.None)).IsOk);
        Assert.True((await _img.CreateOverlayAsync(top, "middle.qcow2", "qcow2", CancellationToken.None)).IsOk);

        ImageFileInfo info = (await _img.InfoAsync(top, "qcow2", CancellationToken.None)).Value;

        Assert.Equal("middle.qcow2", info.BackingFile);
        Assert.Equal(middle, info.FullBackingFile);
        Assert.Equal("qcow2", info.BackingFormat);
        Assert.Equal(8 << 20, info.VirtualSize);
        Assert.Empty(info.BackingChain);
    }

    [Fact]
    public async Task Info_OfAnOverlayWhoseBackingFileIsAFifo_AnswersWithoutOpeningIt()
    {
        string fifo = _dir.File("pipe");
        await Tool.RunAsync("mkfifo", fifo);
        string top = _dir.File("top.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", fifo, "-F", "raw", top, "1M");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        ImageFileInfo info = (await _img.InfoAsync(top, "qcow2", cts.Token)).Value;

        Assert.Equal(fifo, info.BackingFile);
    }

    [Fact]
    public async Task Info_AsRaw_OfARawDiskWhoseGuestWroteAQcow2Header_ReadsItAsTheRawDiskItIs()
    {
        // What a guest can do to its own raw disk: write a qcow2 header naming a host file as backing file.
        string header = _dir.File("header.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "/etc/shadow", "-F", "raw", header, "1M");
        string disk = _dir.File("guest.raw");
        await using (var f = new FileStream(disk, FileMode.CreateNew))
        {
            await f.WriteAsync(await File.ReadAllBytesAsync(header));
            f.SetLength(8 << 20);
        }

        ImageFileInfo info = (await _img.InfoAsync(disk, "raw", CancellationToken.None)).Value;
        Result<bool> grown = await _img.ResizeAsync(disk, "raw", 16 << 20, CancellationToken.None);

        Assert.Equal(("raw", 8 << 20, (string?)null), (info.Format, info.VirtualSize, info.BackingFile));
        Assert.True(grown.IsOk, grown.Error?.Message);
        Assert.Equal(16 << 20, new FileInfo(disk).Length);
        Assert.Equal(await File.ReadAllBytesAsync(header), (await File.ReadAllBytesAsync(disk))[..(int)new FileInfo(header).Length]);
    }

    [Fact]
    public async Task Info_WhileAnotherProcessHoldsTheImage_Works()
    {
        string path = _dir.File("held.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 1 << 20, CancellationToken.None)).IsOk);
        // qemu-io holds the image's write lock while it sleeps, as a running QEMU would.
        using var holder = System.Diagnostics.Process.Start("qemu-io", ["-c", "sleep 3000", path]);
        await Task.Delay(500);

        Result<ImageFileInfo> info = await _img.InfoAsync(path, CancellationToken.None);
        Result<bool> resized = await _img.ResizeAsync(path, "qcow2", 2 << 20, CancellationToken.None);
        holder.Kill();

        Assert.True(info.IsOk, info.Error?.Message);
        Assert.Equal(ErrorCode.Conflict, resized.Error?.Code);
    }

    [Theory]
    [InlineData("vmdk")]
    [InlineData("vdi")]
    [InlineData("vhdx")]
    [InlineData("vpc")]
    [InlineData("qcow2")]
    [InlineData("raw")]
    public async Task Detect_ProbesEachImportFormat(string format)
    {
        string path = _dir.File($"disk.{format}");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", format, path, "4M");

        DetectedFormat detected = (await _img.DetectAsync(path, CancellationToken.None)).Value;

        Assert.Equal(format, detected.Format);
        Assert.Equal(format == "raw", detected.IsRaw);
    }

    [Fact]
    public async Task Detect_TextFile_IsFlaggedRaw()
    {
        string path = _dir.File("notes.txt");
        await File.WriteAllTextAsync(path, "not a disk image\n");

        DetectedFormat detected = (await _img.DetectAsync(path, CancellationToken.None)).Value;

        Assert.True(detected.IsRaw);
    }

    [Fact]
    public async Task Detect_MissingFile_IsNotFound()
    {
        Result<DetectedFormat> detected = await _img.DetectAsync(_dir.File("nope.qcow2"), CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, detected.Error?.Code);
    }

    [Fact]
    public async Task Info_TruncatedQcow2Header_NamesTheFile()
    {
        string path = _dir.File("cut.qcow2");
        Assert.True((await _img.CreateAsync(_dir.File("whole.qcow2"), "qcow2", 1 << 20, CancellationToken.None)).IsOk);
        byte[] whole = await File.ReadAllBytesAsync(_dir.File("whole.qcow2"));
        await File.WriteAllBytesAsync(path, whole[..30]);

        Result<ImageFileInfo> info = await _img.InfoAsync(path, CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, info.Error?.Code);
        Assert.Contains(path, info.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("header too short", info.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_GarbledL1TableOffset_NamesTheFileAndTheDamage()
    {
        string path = _dir.File("bad.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 1 << 20, CancellationToken.None)).IsOk);
        await using (var f = new FileStream(path, FileMode.Open))
        {
            // Header bytes 40..47 hold the L1 table's offset.
            f.Position = 40;
            f.Write([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        }

        Result<ImageFileInfo> info = await _img.InfoAsync(path, CancellationToken.None);

        Assert.False(info.IsOk);
        Assert.Contains(path, info.Error.Message, StringComparison.Ordinal);
        Assert.Contains("L1 table", info.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resize_Grows_AndShrinkingIsRefusedUnlessAllowed()
    {
        string path = _dir.File("r.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 8 << 20, CancellationToken.None)).IsOk);

        Assert.True((await _img.ResizeAsync(path, "qcow2", 32 << 20, CancellationToken.None)).IsOk);
        Result<bool> shrink = await _img.ResizeAsync(path, "qcow2", 4 << 20, CancellationToken.None);
        long afterRefusal = (await _img.InfoAsync(path, CancellationToken.None)).Value.VirtualSize;
        Assert.True((await _img.ResizeAsync(path, "qcow2", 4 << 20, allowShrink: true, CancellationToken.None)).IsOk);

        Assert.Equal(ErrorCode.InvalidArgument, shrink.Error?.Code);
        Assert.Contains("shrinking", shrink.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(32 << 20, afterRefusal);
        Assert.Equal(4 << 20, (await _img.InfoAsync(path, CancellationToken.None)).Value.VirtualSize);
    }

    public void Dispose() => _dir.Dispose();
}
