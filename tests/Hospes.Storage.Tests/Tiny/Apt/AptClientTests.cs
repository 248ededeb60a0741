using Hospes.Core.Errors;
using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny.Apt;

namespace Hospes.Storage.Tests.Tiny.Apt;

/// <summary>Against the host's real apt (offline index; nothing is downloaded here).</summary>
public sealed class AptClientTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task ResolveMetapackage_CloudKernel_GivesVersionedImagePackage()
    {
        var kernel = await AptClient.ResolveMetapackageAsync("linux-image-cloud-amd64", "linux-image-", CancellationToken.None);

        Assert.True(kernel.IsOk, kernel.Error?.Message);
        Assert.Matches(@"^linux-image-\d+\.\d+\.\d+-\d+-cloud-amd64$", kernel.Value.Name);
        Assert.Matches("^[0-9a-f]{64}$", kernel.Value.Sha256);
    }

    [Fact]
    public async Task ShowAll_SeveralPackages_GivesEachWithItsDependsFields()
    {
        var shown = await AptClient.ShowAllAsync(["dropbear-bin", "libc6", "busybox-static"], CancellationToken.None);

        Assert.True(shown.IsOk, shown.Error?.Message);
        Assert.Equal(["busybox-static", "dropbear-bin", "libc6"], shown.Value.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("libtomcrypt1", shown.Value["dropbear-bin"].Depends, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowAll_OneUnknownPackage_IsRefusedNamingIt()
    {
        var shown = await AptClient.ShowAllAsync(["libc6", "hospes-no-such-package"], CancellationToken.None);

        Assert.False(shown.IsOk);
        Assert.StartsWith("cannot resolve hospes-no-such-package: apt knows no installable version of it;", shown.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyNames_Dropbear_ReachesLibcAndItsDependencies()
    {
        var names = await AptClient.DependencyNamesAsync("dropbear-bin", CancellationToken.None);

        Assert.True(names.IsOk, names.Error?.Message);
        Assert.Contains("dropbear-bin", names.Value);
        Assert.Contains("libtomcrypt1", names.Value);
        Assert.Contains("libgmp10", names.Value);
        Assert.Contains("libc6", names.Value);
    }

    [Fact]
    public async Task Show_UnknownPackage_SaysWhatAptSaidAndHowToFixIt()
    {
        var package = await AptClient.ShowAsync("hospes-no-such-package", CancellationToken.None);

        Assert.False(package.IsOk);
        Assert.Equal(ErrorCode.Unavailable, package.Error.Code);
        Assert.Equal(
            "cannot resolve hospes-no-such-package: No packages found; run ./setup.sh (it runs apt-get update) or check /etc/apt/sources.list",
            package.Error.Message);
    }

    [Fact]
    public async Task Fetch_VersionAptDoesNotKnow_FailsWithAptsMessageAndLeavesNoPartialDir()
    {
        var package = new DebPackage { Name = "busybox-static", Version = "9.9-9", Architecture = "amd64", Sha256 = new string('0', 64) };

        var fetched = await AptClient.FetchAsync(package, _dir.Path, progress: null, CancellationToken.None);

        Assert.False(fetched.IsOk);
        Assert.Equal(
            "cannot download busybox-static 9.9-9: Version '9.9-9' for 'busybox-static' was not found; run ./setup.sh (it runs apt-get update) or check /etc/apt/sources.list",
            fetched.Error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    public void Dispose() => _dir.Dispose();
}
