using Hospes.Core.Errors;
using Hospes.Storage.Tiny;

namespace Hospes.Storage.Tests.Tiny;

/// <summary>Options the builder refuses before it downloads anything (against the host's real apt index).</summary>
public sealed class TinyImageOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("Cloud AMD64", ErrorCode.InvalidArgument, "kernel flavour 'Cloud AMD64' is not a Debian kernel flavour; use cloud-amd64 or amd64")]
    [InlineData("no-such-flavour", ErrorCode.Unavailable, "cannot resolve linux-image-no-such-flavour: No packages found;")]
    public async Task Build_UnknownFlavour_IsRefusedBeforeDownloading(string flavour, ErrorCode code, string message)
    {
        var options = new TinyImageOptions { ImageDir = _dir.Combine("images", "tiny"), CacheDir = _dir.Combine("debs"), KernelFlavour = flavour };

        var built = await new TinyImageBuilder(options).BuildAsync(force: false, null, CancellationToken.None);

        Assert.False(built.IsOk);
        Assert.Equal(code, built.Error.Code);
        Assert.StartsWith(message, built.Error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("debs")));
    }

    public void Dispose() => _dir.Dispose();
}
