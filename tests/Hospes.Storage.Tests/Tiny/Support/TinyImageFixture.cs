using Hospes.Storage.Tiny;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>One real tiny image, built once for the tests that boot it.</summary>
public sealed class TinyImageFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();

    internal TinyImageOptions Options => new() { ImageDir = _dir.Combine("images", "tiny"), CacheDir = TestPaths.DebCache };

    internal TinyImageManifest Image => Built.Manifest;

    internal TinyImageBuildResult Built { get; private set; } = null!;

    internal List<string> Progress { get; } = [];

    internal string WorkDir => _dir.Path;

    public async Task InitializeAsync()
    {
        var progress = new SynchronousProgress(Progress.Add);
        var built = await new TinyImageBuilder(Options).BuildAsync(force: false, progress, CancellationToken.None);
        Assert.True(built.IsOk, built.Error?.Message);
        Built = built.Value;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();
}
