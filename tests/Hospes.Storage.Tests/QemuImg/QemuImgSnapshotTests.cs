using Hospes.Core.Errors;
using Hospes.Storage.QemuImg;
using Hospes.Storage.Tests.Tiny.Support;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Tests.QemuImg;

public sealed class QemuImgSnapshotTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Img _img = new();

    [Fact]
    public async Task Snapshot_CreateListApplyDelete_RestoresContent()
    {
        string path = _dir.File("a.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 4 << 20, CancellationToken.None)).IsOk);
        await Tool.RunAsync("qemu-io", "-c", "write -P 0xab 0 64k", path);

        Assert.True((await _img.SnapshotCreateAsync(path, "before", CancellationToken.None)).IsOk);
        await Tool.RunAsync("qemu-io", "-c", "write -P 0xcd 0 64k", path);
        IReadOnlyList<ImageSnapshot> listed = (await _img.SnapshotListAsync(path, CancellationToken.None)).Value;
        Assert.True((await _img.SnapshotApplyAsync(path, "before", CancellationToken.None)).IsOk);
        string read = await Tool.RunAsync("qemu-io", "-c", "read -P 0xab 0 64k", path);
        Assert.True((await _img.SnapshotDeleteAsync(path, "before", CancellationToken.None)).IsOk);

        ImageSnapshot snapshot = Assert.Single(listed);
        Assert.Equal("before", snapshot.Name);
        Assert.InRange(snapshot.Date, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.DoesNotContain("Pattern verification failed", read, StringComparison.Ordinal);
        Assert.Empty((await _img.SnapshotListAsync(path, CancellationToken.None)).Value);
    }

    [Fact]
    public async Task Snapshot_ApplyUnknownName_IsNotFoundListingTheKnownOnes()
    {
        string path = _dir.File("a.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 1 << 20, CancellationToken.None)).IsOk);
        Assert.True((await _img.SnapshotCreateAsync(path, "one", CancellationToken.None)).IsOk);

        Result<bool> applied = await _img.SnapshotApplyAsync(path, "two", CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, applied.Error?.Code);
        Assert.Contains("has: one", applied.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_DuplicateName_IsRefused()
    {
        string path = _dir.File("a.qcow2");
        Assert.True((await _img.CreateAsync(path, "qcow2", 1 << 20, CancellationToken.None)).IsOk);
        Assert.True((await _img.SnapshotCreateAsync(path, "one", CancellationToken.None)).IsOk);

        Assert.Equal(ErrorCode.Conflict, (await _img.SnapshotCreateAsync(path, "one", CancellationToken.None)).Error?.Code);
    }

    [Fact]
    public async Task Snapshot_OnRawImage_IsRefused()
    {
        string path = _dir.File("a.raw");
        Assert.True((await _img.CreateAsync(path, "raw", 1 << 20, CancellationToken.None)).IsOk);

        Assert.Equal(ErrorCode.InvalidArgument, (await _img.SnapshotCreateAsync(path, "one", CancellationToken.None)).Error?.Code);
    }

    [Fact]
    public async Task Rebase_Unsafe_RewritesTheBackingName_AndCommitMergesDown()
    {
        string basePath = _dir.File("base.qcow2");
        string moved = _dir.File("moved.qcow2");
        string top = _dir.File("top.qcow2");
        Assert.True((await _img.CreateAsync(basePath, "qcow2", 1 << 20, CancellationToken.None)).IsOk);
        Assert.True((await _img.CreateOverlayAsync(top, basePath, "qcow2", CancellationToken.None)).IsOk);
        await Tool.RunAsync("qemu-io", "-c", "write -P 0x42 0 64k", top);
        File.Move(basePath, moved);

        Assert.True((await _img.RebaseAsync(top, moved, "qcow2", unsafeRebase: true, CancellationToken.None)).IsOk);
        Assert.True((await _img.CommitAsync(top, CancellationToken.None)).IsOk);

        Assert.Equal(moved, (await _img.InfoAsync(top, CancellationToken.None)).Value.BackingFile);
        string read = await Tool.RunAsync("qemu-io", "-c", "read -P 0x42 0 64k", moved);
        Assert.DoesNotContain("Pattern verification failed", read, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
