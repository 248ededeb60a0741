using Hospes.Storage.Debian;
using Hospes.Storage.Tests.Debian.Support;

namespace Hospes.Storage.Tests.Debian;

/// <summary>In the image group only so it does not run debootstrap beside the shared build.</summary>
[Collection(DebianImageGroup.Name)]
[Trait("Category", "Slow")]
public sealed class DebianBuildCancelTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Build_CancelledMidway_LeavesNoImageNoBuildDirectoryAndNoMounts()
    {
        string images = _dir.Combine("images");
        var options = new DebianImageOptions { ImageDir = Path.Combine(images, "debian"), CacheDir = DebianImageFixture.Cache };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // With a warm cache, 30 s lands inside debootstrap's second stage, where /proc and /sys are mounted in the target.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DebianImageBuilder(options).BuildAsync(null, cts.Token));

        Assert.Empty(Directory.GetFileSystemEntries(images));
        Assert.Empty(MountCleanup.MountsUnder(_dir.Path));
    }

    public void Dispose() => _dir.Dispose();
}
