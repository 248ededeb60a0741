using Hospes.Core.Errors;
using Hospes.Storage.Tests.Tiny.Support;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Tests.QemuImg;

public sealed class QemuImgConvertTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Img _img = new();
    private string? _mount;

    [Theory]
    [InlineData("vmdk")]
    [InlineData("vdi")]
    [InlineData("vhdx")]
    [InlineData("vpc")]
    [InlineData("raw")]
    public async Task Convert_ForeignFormatToQcow2_PreservesData(string format)
    {
        string src = _dir.File($"src.{format}");
        string dst = _dir.File("dst.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", format, src, "4M");
        await Tool.RunAsync("qemu-io", "-f", format, "-c", "write -P 0xab 0 64k", "-c", "write -P 0x5c 1M 64k", src);

        Assert.True((await _img.ConvertAsync(src, format, dst, "qcow2", CancellationToken.None)).IsOk);

        Assert.Equal("qcow2", (await _img.InfoAsync(dst, CancellationToken.None)).Value.Format);
        // qemu-io exits 0 even when a pattern differs; its output says so.
        string read = await Tool.RunAsync("qemu-io", "-f", "qcow2", "-c", "read -P 0xab 0 64k", "-c", "read -P 0x5c 1M 64k", "-c", "read -P 0 64k 64k", dst);
        Assert.DoesNotContain("Pattern verification failed", read, StringComparison.Ordinal);
        Assert.Equal(3, read.Split("read 65536/65536 bytes").Length - 1);
        Assert.False(File.Exists(dst + ".partial"));
    }

    [Fact]
    public async Task Convert_ToExistingFile_IsRefusedAndLeavesItAlone()
    {
        string src = _dir.File("src.raw");
        string dst = _dir.File("dst.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "raw", src, "1M");
        await File.WriteAllTextAsync(dst, "precious");

        Result<bool> converted = await _img.ConvertAsync(src, "raw", dst, "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, converted.Error?.Code);
        Assert.Equal("precious", await File.ReadAllTextAsync(dst));
    }

    [Fact]
    public async Task Convert_IntoMissingFolder_FailsNamingTheSource()
    {
        string src = _dir.File("src.raw");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "raw", src, "1M");

        Result<bool> converted = await _img.ConvertAsync(src, "raw", _dir.Combine("missing", "dst.qcow2"), "qcow2", CancellationToken.None);

        Assert.False(converted.IsOk);
        Assert.StartsWith($"qemu-img convert {src}: ", converted.Error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("missing")));
    }

    [Fact]
    public async Task Convert_DiskFullMidway_LeavesNoFileAndSaysSo()
    {
        // A 1 MiB tmpfs fills up while 4 MiB of data are written into it.
        _mount = _dir.Combine("small");
        Directory.CreateDirectory(_mount);
        await Tool.RunAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _mount);
        string src = _dir.File("big.raw");
        string dst = Path.Combine(_mount, "out.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "raw", src, "8M");
        await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "write -P 0xcd 0 4M", src);

        Result<bool> converted = await _img.ConvertAsync(src, "raw", dst, "qcow2", CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, converted.Error?.Code);
        Assert.Contains("No space left on device", converted.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_mount));
    }

    [Fact]
    public async Task Convert_Cancelled_LeavesNoPartialFile()
    {
        string src = _dir.File("big.raw");
        string dst = _dir.File("out.qcow2");
        await Tool.RunAsync("qemu-img", "create", "-q", "-f", "raw", src, "1G");
        await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "write -P 0x11 0 1G", src);
        using var cts = new CancellationTokenSource();

        // Cancelled once the copy is under way (its partial file is there), not after a fixed time: a fast run once
        // finished 256 MiB within the 100 ms this test used to wait.
        Task convert = _img.ConvertAsync(src, "raw", dst, "qcow2", cts.Token);
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(dst + ".partial") && !convert.IsCompleted && DateTime.UtcNow < until)
        {
            await Task.Delay(5);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => convert);

        Assert.False(File.Exists(dst));
        Assert.False(File.Exists(dst + ".partial"));
    }

    public void Dispose()
    {
        if (_mount is not null)
        {
            Tool.RunAsync("umount", _mount).GetAwaiter().GetResult();
        }

        _dir.Dispose();
    }
}
