using Hospes.Storage.Tiny;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>A tiny image on Debian's generic kernel (the one with e1000), built once for the tests that boot it.</summary>
public sealed class GenericKernelImageFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();

    internal TinyImageManifest Image => Built.Manifest;

    internal TinyImageBuildResult Built { get; private set; } = null!;

    internal List<string> Progress { get; } = [];

    public async Task InitializeAsync()
    {
        var options = new TinyImageOptions
        {
            ImageDir = _dir.Combine("images", "tiny-generic"),
            CacheDir = TestPaths.DebCache,
            KernelFlavour = TinyImageOptions.GenericKernel,
        };
        var built = await new TinyImageBuilder(options).BuildAsync(force: false, new SynchronousProgress(Progress.Add), CancellationToken.None);
        Assert.True(built.IsOk, built.Error?.Message);
        Built = built.Value;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();
}
