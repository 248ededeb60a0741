using Hospes.Storage.Tiny.Apt;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>The real Debian cloud kernel package, fetched into the shared cache and unpacked once for the module tests.</summary>
public sealed class KernelPackageFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();

    internal string KernelVersion { get; private set; } = "";

    internal string PackageName { get; private set; } = "";

    internal string ModuleRoot => _dir.Combine("lib", "modules", KernelVersion);

    public async Task InitializeAsync()
    {
        var package = await AptClient.ResolveMetapackageAsync("linux-image-cloud-amd64", "linux-image-", CancellationToken.None);
        Assert.True(package.IsOk, package.Error?.Message);
        var deb = await AptClient.FetchAsync(package.Value, TestPaths.DebCache, progress: null, CancellationToken.None);
        Assert.True(deb.IsOk, deb.Error?.Message);
        await Tool.RunAsync("dpkg-deb", "-x", deb.Value, _dir.Path);
        PackageName = package.Value.Name;
        KernelVersion = package.Value.Name["linux-image-".Length..];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    internal string FindModule(string fileName) =>
        Directory.EnumerateFiles(ModuleRoot, fileName, SearchOption.AllDirectories).Single();
}
