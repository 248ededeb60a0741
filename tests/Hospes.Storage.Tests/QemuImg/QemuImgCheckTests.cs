using Hospes.Core.Errors;
using Hospes.Storage.QemuImg;
using Hospes.Storage.Tests.Tiny.Support;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Tests.QemuImg;

public sealed class QemuImgCheckTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Img _img = new();

    [Fact]
    public async Task Check_FreshImage_IsClean()
    {
        string path = _dir.File("a.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 4 << 20, CancellationToken.None)).IsOk);
        await Tool.RunAsync("qemu-io", "-c", "write -P 0xab 0 64k", path);

        CheckResult check = (await _img.CheckAsync(path, "qcow2", CancellationToken.None)).Value;

        Assert.True(check.Clean);
        Assert.Equal("clean", check.Summary);
    }

    [Fact]
    public async Task Check_L1EntryPointingAtARefcountBlock_ReportsCorruptionAndLeaks()
    {
        string path = _dir.File("a.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 4 << 20, CancellationToken.None)).IsOk);
        await Tool.RunAsync("qemu-io", "-c", "write -P 0xab 0 64k", path);
        await using (var f = new FileStream(path, FileMode.Open))
        {
            byte[] header = new byte[48];
            await f.ReadExactlyAsync(header);
            long l1 = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(40));
            // Point the first L2 table at cluster 3, which the refcount structures own.
            f.Position = l1;
            await f.WriteAsync(new byte[] { 0x80, 0, 0, 0, 0, 0x03, 0, 0 });
        }

        CheckResult check = (await _img.CheckAsync(path, "qcow2", CancellationToken.None)).Value;

        Assert.False(check.Clean);
        Assert.True(check.Corruptions > 0);
        Assert.Contains("corruption", check.Summary, StringComparison.Ordinal);
        Assert.Contains("ERROR", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnreadableHeader_IsAnErrorNamingTheFile()
    {
        string path = _dir.File("junk.qcow2");
        await File.WriteAllBytesAsync(path, [(byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 3]);

        Result<CheckResult> check = await _img.CheckAsync(path, "qcow2", CancellationToken.None);

        Assert.False(check.IsOk);
        Assert.Contains(path, check.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RawImage_IsNotSupportedRatherThanDirty()
    {
        string path = _dir.File("a.raw");
        Assert.True((await _img.CreateAsync(path, "raw", 1 << 20, CancellationToken.None)).IsOk);

        CheckResult check = (await _img.CheckAsync(path, "raw", CancellationToken.None)).Value;

        Assert.False(check.Supported);
    }

    public void Dispose() => _dir.Dispose();
}
