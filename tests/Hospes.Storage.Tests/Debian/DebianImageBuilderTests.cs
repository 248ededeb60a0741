using Hospes.Core.Errors;
using Hospes.Storage.Debian;

namespace Hospes.Storage.Tests.Debian;

public sealed class DebianImageBuilderTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Build_WithTinySizeBadReleaseAndHostname_ReportsAllAndTouchesNothing()
    {
        var options = new DebianImageOptions { ImageDir = _dir.Combine("images", "d"), SizeBytes = 1000, Release = "Bookworm!", Hostname = "a_b" };

        var built = await new DebianImageBuilder(options).BuildAsync(null, CancellationToken.None);

        Assert.False(built.IsOk);
        Assert.Equal(ErrorCode.InvalidArgument, built.Error.Code);
        Assert.Equal(3, built.Error.Details.Count);
        Assert.False(Directory.Exists(_dir.Combine("images")));
    }

    public void Dispose() => _dir.Dispose();
}
